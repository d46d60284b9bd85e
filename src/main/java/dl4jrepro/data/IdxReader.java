package dl4jrepro.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the IDX files MNIST ships as (images: magic 2051, labels: magic 2049), checking every header field. */
public final class IdxReader {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    private IdxReader() {}

    /** Reads an image file and its label file into one {@link LabeledImages}, with labels checked against {@code classes}. */
    public static LabeledImages read(Path imagesFile, Path labelsFile, int classes) throws IOException {
        byte[] images = Files.readAllBytes(imagesFile);
        byte[] labels = Files.readAllBytes(labelsFile);
        ByteBuffer ih = header(imagesFile, images, 16, IMAGES_MAGIC);
        int count = ih.getInt(4), rows = ih.getInt(8), cols = ih.getInt(12);
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new CorruptDataException(imagesFile, "impossible header: " + count + " images of " + rows + "x" + cols);
        }
        long expected = 16L + (long) count * rows * cols;
        if (images.length != expected) {
            throw new CorruptDataException(imagesFile, "count mismatch: header says " + count + " images of " + rows + "x"
                    + cols + " (" + expected + " bytes) but the file has " + images.length + " bytes");
        }
        ByteBuffer lh = header(labelsFile, labels, 8, LABELS_MAGIC);
        int labelCount = lh.getInt(4);
        if (labels.length != 8L + labelCount) {
            throw new CorruptDataException(labelsFile, "count mismatch: header says " + labelCount
                    + " labels but the file has " + (labels.length - 8) + " label bytes");
        }
        if (labelCount != count) {
            throw new CorruptDataException(labelsFile, "count mismatch: " + labelCount + " labels for " + count
                    + " images in " + imagesFile.getFileName());
        }
        byte[] labelBytes = Arrays.copyOfRange(labels, 8, labels.length);
        for (int i = 0; i < labelBytes.length; i++) {
            if ((labelBytes[i] & 0xff) >= classes) {
                throw new CorruptDataException(labelsFile, "label out of range: record " + i + " has label "
                        + (labelBytes[i] & 0xff) + ", expected 0.." + (classes - 1));
            }
        }
        // Ordered: the combined checksum hashes these in order, and Map.of's order changes from JVM to JVM.
        Map<String, String> checksums = new LinkedHashMap<>();
        checksums.put(imagesFile.getFileName().toString(), Md5.of(images));
        checksums.put(labelsFile.getFileName().toString(), Md5.of(labels));
        return new LabeledImages(Arrays.copyOfRange(images, 16, images.length), labelBytes, count, rows * cols, checksums);
    }

    private static ByteBuffer header(Path file, byte[] bytes, int size, int magic) {
        if (bytes.length < size) {
            throw new CorruptDataException(file, "truncated: " + bytes.length + " bytes, shorter than the "
                    + size + "-byte IDX header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, size);
        int found = b.getInt(0);
        if (found != magic) {
            throw new CorruptDataException(file, String.format("bad magic number 0x%08x, expected 0x%08x", found, magic));
        }
        return b;
    }
}
