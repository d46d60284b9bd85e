package dl4jrepro.data;

import dl4jrepro.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CIFAR-10 reader on 300 real records of the first training batch (the test fixture), and on broken copies of them. */
class CifarBinaryReaderTest {
    static final int N = 300;
    @TempDir Path tmp;

    byte[] firstRecords() throws IOException {
        try (InputStream in = Files.newInputStream(TestData.cifarDir().resolve("data_batch_1.bin"))) {
            return in.readNBytes(N * CifarBinaryReader.RECORD);
        }
    }

    LabeledImages read(byte[] bytes, int expected) throws IOException {
        Files.write(tmp.resolve("data_batch_1.bin"), bytes);
        return CifarBinaryReader.read(tmp, List.of("data_batch_1.bin"), expected);
    }

    @Test
    void readsRealRecords() throws IOException {
        byte[] raw = firstRecords();
        LabeledImages d = read(raw, N);
        assertEquals(N, d.count());
        assertEquals(3072, d.features());
        // The first labels of data_batch_1 are frog, truck, truck, deer, automobile (6, 9, 9, 4, 1).
        assertArrayEquals(new byte[] {6, 9, 9, 4, 1}, Arrays.copyOf(d.labels(), 5));
        int[] counts = new int[10];
        for (int i = 0; i < N; i++) counts[d.label(i)]++;
        assertTrue(Arrays.stream(counts).allMatch(c -> c > 10), "all ten classes appear: " + Arrays.toString(counts));
        // Pixels are copied without the label byte: record 1's first red byte.
        assertEquals(raw[CifarBinaryReader.RECORD + 1] & 0xff, d.pixel(1, 0));
        assertEquals(Md5.of(raw), d.checksums().get("data_batch_1.bin"));
    }

    @Test
    void rejectsPartialRecord() throws IOException {
        byte[] raw = firstRecords();
        var e = assertThrows(CorruptDataException.class, () -> read(Arrays.copyOf(raw, raw.length - 1), N));
        assertTrue(e.getMessage().contains("data_batch_1.bin") && e.getMessage().contains("wrong record size"), e.getMessage());
    }

    @Test
    void rejectsMissingRecords() throws IOException {
        byte[] raw = firstRecords();
        var e = assertThrows(CorruptDataException.class, () -> read(raw, N + 1));
        assertTrue(e.getMessage().contains("count mismatch: 300 records, expected 301"), e.getMessage());
    }

    @Test
    void rejectsLabelOutOfRange() throws IOException {
        byte[] raw = firstRecords();
        raw[5 * CifarBinaryReader.RECORD] = 12;
        var e = assertThrows(CorruptDataException.class, () -> read(raw, N));
        assertTrue(e.getMessage().contains("label out of range: record 5 has label 12"), e.getMessage());
    }
}
