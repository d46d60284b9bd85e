package dl4jrepro;

import dl4jrepro.data.DataLocations;
import dl4jrepro.data.MnistFiles;

import java.nio.file.Path;

/** Real data for tests: MNIST through the project's own set-up (fetched once), CIFAR-10 records from the fixture. */
public final class TestData {
    private TestData() {}

    public static Path mnistDir() throws Exception {
        return MnistFiles.ensure(DataLocations.resolve(null).mnistDir());
    }

    /** The first records of each CIFAR-10 batch file (src/test/resources/cifar10/README.md says which). */
    public static Path cifarDir() {
        return Path.of("src", "test", "resources", "cifar10");
    }
}
