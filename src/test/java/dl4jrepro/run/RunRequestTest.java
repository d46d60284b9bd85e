package dl4jrepro.run;

import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which threads a single run takes: {@code --threads}, else its spec's, else the environment's. */
class RunRequestTest {
    private static final Path SPECS = Path.of("experiments");

    @Test
    void threadsComeFromTheCommandLineThenTheSpecThenTheEnvironment() {
        SpecCatalog specs = new SpecCatalog(SPECS);
        ExperimentSpec cnn = specs.load("mnist-cnn-003"), mlp = specs.load("quickstart");
        assertEquals(2, cnn.threads(), "the MNIST CNN's spec asks for both cores");
        assertNull(mlp.threads());
        RunRequest given = new RunRequest("x", false, null, Map.of(), null, "cpu", 0, null, 2, SPECS, Path.of("results"), "", null);
        assertEquals(2, given.threadsFor(cnn), "the spec's");
        assertEquals(1, given.withThreads(1).threadsFor(cnn), "--threads wins");
        assertEquals(0, given.threadsFor(mlp), "none: 0, the environment's (OMP_NUM_THREADS)");
    }
}
