package dl4jrepro.data;

import dl4jrepro.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IDX reader on the first 300 real MNIST test digits, and on copies broken in each way a file can be. */
class IdxReaderTest {
    static final int N = 300;
    static byte[] images, labels;

    @TempDir Path tmp;

    @BeforeAll
    static void takeFirstRecords() throws Exception {
        Path mnist = TestData.mnistDir();
        byte[] allImages = Files.readAllBytes(mnist.resolve(MnistFiles.TEST_IMAGES));
        byte[] allLabels = Files.readAllBytes(mnist.resolve(MnistFiles.TEST_LABELS));
        images = Arrays.copyOf(allImages, 16 + N * 784);
        ByteBuffer.wrap(images).putInt(4, N);
        labels = Arrays.copyOf(allLabels, 8 + N);
        ByteBuffer.wrap(labels).putInt(4, N);
    }

    LabeledImages read(byte[] img, byte[] lab) throws Exception {
        Path i = Files.write(tmp.resolve("images-idx3-ubyte"), img), l = Files.write(tmp.resolve("labels-idx1-ubyte"), lab);
        return IdxReader.read(i, l, 10);
    }

    @Test
    void readsRealDigits() throws Exception {
        LabeledImages d = read(images, labels);
        assertEquals(N, d.count());
        assertEquals(784, d.features());
        // The first MNIST test digits are 7, 2, 1, 0, 4 (LeCun's published order).
        assertEquals(7, d.label(0));
        assertEquals(2, d.label(1));
        assertEquals(1, d.label(2));
        assertEquals(0, d.label(3));
        assertEquals(4, d.label(4));
        // A digit is dark strokes on a blank page: the corner is empty and 3-30 % of the pixels carry ink (a "1" has about 5 %).
        assertEquals(0, d.pixel(0, 0));
        for (int row = 0; row < 5; row++) {
            int r = row;
            long inked = IntStream.range(0, 784).filter(f -> d.pixel(r, f) > 128).count();
            assertTrue(inked > 784 * 0.03 && inked < 784 * 0.3, "digit " + row + " has " + inked + " inked pixels");
        }
    }

    @Test
    void rejectsBadMagicNumber() {
        byte[] bad = images.clone();
        bad[3] = 0x01;
        var e = assertThrows(CorruptDataException.class, () -> read(bad, labels));
        assertTrue(e.getMessage().contains("images-idx3-ubyte") && e.getMessage().contains("bad magic number"), e.getMessage());
    }

    @Test
    void rejectsTruncatedImages() {
        var e = assertThrows(CorruptDataException.class, () -> read(Arrays.copyOf(images, images.length - 10), labels));
        assertTrue(e.getMessage().contains("count mismatch") && e.getMessage().contains("images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void rejectsHeaderShorterThanHeader() {
        var e = assertThrows(CorruptDataException.class, () -> read(Arrays.copyOf(images, 10), labels));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void rejectsLabelOutOfRange() {
        byte[] bad = labels.clone();
        bad[8 + 17] = 11;
        var e = assertThrows(CorruptDataException.class, () -> read(images, bad));
        assertTrue(e.getMessage().contains("labels-idx1-ubyte") && e.getMessage().contains("label out of range: record 17"),
                e.getMessage());
    }

    @Test
    void rejectsLabelCountDifferentFromImageCount() {
        byte[] fewer = Arrays.copyOf(labels, 8 + N - 1);
        ByteBuffer.wrap(fewer).putInt(4, N - 1);
        var e = assertThrows(CorruptDataException.class, () -> read(images, fewer));
        assertTrue(e.getMessage().contains("299 labels for 300 images"), e.getMessage());
    }

    @Test
    void verifiedCacheRejectsAlteredFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mnist"));
        for (String f : MnistFiles.MD5.keySet()) Files.copy(TestData.mnistDir().resolve(f), dir.resolve(f));
        byte[] altered = Files.readAllBytes(dir.resolve(MnistFiles.TEST_LABELS));
        altered[100] ^= 1;
        Files.write(dir.resolve(MnistFiles.TEST_LABELS), altered);
        var e = assertThrows(CorruptDataException.class, () -> MnistFiles.ensure(dir));
        assertTrue(e.getMessage().contains(MnistFiles.TEST_LABELS) && e.getMessage().contains("md5"), e.getMessage());
    }
}
