package dl4jrepro.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads CIFAR-10's binary batches: 3,073-byte records, one label byte (0-9) then 1,024 red, 1,024 green and 1,024 blue
 * bytes. DL4J's own CifarLoader has file-order and file-name bugs in this version, so the records are read here.
 */
public final class CifarBinaryReader {
    public static final int FEATURES = 3 * 32 * 32;
    public static final int RECORD = 1 + FEATURES;
    public static final int RECORDS_PER_BATCH = 10_000;
    public static final List<String> TRAIN_FILES =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";

    private CifarBinaryReader() {}

    /** Reads the given batch files of {@code dir}, in the given order, each of which must hold {@code recordsPerFile}. */
    public static LabeledImages read(Path dir, List<String> files, int recordsPerFile) throws IOException {
        int total = files.size() * recordsPerFile;
        byte[] pixels = new byte[total * FEATURES];
        byte[] labels = new byte[total];
        Map<String, String> checksums = new LinkedHashMap<>();
        int row = 0;
        for (String name : files) {
            Path file = dir.resolve(name);
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length % RECORD != 0) {
                throw new CorruptDataException(file, "wrong record size: " + bytes.length + " bytes is not a whole number of "
                        + RECORD + "-byte records (truncated, or not the binary version of CIFAR-10)");
            }
            if (bytes.length / RECORD != recordsPerFile) {
                throw new CorruptDataException(file, "count mismatch: " + bytes.length / RECORD + " records, expected "
                        + recordsPerFile);
            }
            for (int r = 0; r < recordsPerFile; r++, row++) {
                int label = bytes[r * RECORD] & 0xff;
                if (label > 9) {
                    throw new CorruptDataException(file, "label out of range: record " + r + " has label " + label
                            + ", expected 0..9");
                }
                labels[row] = (byte) label;
                System.arraycopy(bytes, r * RECORD + 1, pixels, row * FEATURES, FEATURES);
            }
            checksums.put(name, Md5.of(bytes));
        }
        return new LabeledImages(pixels, labels, total, FEATURES, checksums);
    }
}
