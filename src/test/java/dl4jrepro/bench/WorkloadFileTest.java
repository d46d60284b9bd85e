package dl4jrepro.bench;

import dl4jrepro.base.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A workload file the benchmarks cannot use is a one-line error naming the file and the fix, not a stack trace. */
class WorkloadFileTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileNamesItselfAndTheOption() {
        UserError e = assertThrows(UserError.class, () -> PeerBenchmark.Workload.read(dir.resolve("nope.json")));
        assertTrue(e.getMessage().startsWith("no workload file at " + dir.resolve("nope.json")), e.getMessage());
        assertTrue(e.getMessage().contains("--workload FILE"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void malformedJsonGivesItsLine() throws Exception {
        Path file = Files.writeString(dir.resolve("w.json"), "{\"about\": \"x\",\n \"models\": [ {\"name\": }");
        UserError e = assertThrows(UserError.class, () -> PeerBenchmark.Workload.read(file));
        assertTrue(e.getMessage().startsWith(file + ": malformed workload at line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void aFileWithoutModelsIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("w.json"), "{\"about\": \"x\", \"models\": []}");
        UserError e = assertThrows(UserError.class, () -> PeerBenchmark.Workload.read(file));
        assertEquals(file + ": no models; list them under \"models\"", e.getMessage());
    }
}
