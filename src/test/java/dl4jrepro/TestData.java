package dl4jrepro;

import dl4jrepro.data.DataLocations;
import dl4jrepro.data.MnistFiles;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Real data for tests: MNIST through the project's own set-up (fetched once), CIFAR-10 from shared/data. */
public final class TestData {
    private TestData() {}

    public static Path mnistDir() throws Exception {
        return MnistFiles.ensure(DataLocations.resolve(null).mnistDir());
    }

    /** The CIFAR-10 batches beside the project; tests that need them are skipped, not failed, where there are none. */
    public static Path cifarDir() {
        Path dir = Path.of("..", "shared", "data", "cifar-10-batches-bin");
        assumeTrue(Files.isRegularFile(dir.resolve("data_batch_1.bin")), "CIFAR-10 not at " + dir);
        return dir;
    }
}
