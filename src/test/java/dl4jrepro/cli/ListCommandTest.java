package dl4jrepro.cli;

import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListCommandTest {
    @Test
    void listsEveryExperimentWithItsTitle() {
        CliRun r = CliRun.of("list");
        assertEquals(0, r.exitCode(), r.err());
        var ids = new SpecCatalog(Path.of("experiments")).ids();
        assertEquals(ids.size(), r.out().strip().lines().count());
        for (String id : ids) assertTrue(r.out().contains(id + " "), id);
        assertTrue(r.out().contains("A5") && r.out().contains("A8"), r.out());
    }

    @Test
    void aBadSpecIsNamedAndTheOthersAreStillListed(@org.junit.jupiter.api.io.TempDir Path tmp) throws java.io.IOException {
        java.nio.file.Files.copy(Path.of("experiments/quickstart.json"), tmp.resolve("quickstart.json"));
        java.nio.file.Files.writeString(tmp.resolve("broken.json"), "{ not json");
        CliRun r = CliRun.of("--experiments-dir", tmp.toString(), "list");
        assertEquals(2, r.exitCode());
        assertTrue(r.out().contains("quickstart "), r.out());
        assertTrue(r.err().strip().startsWith("error: ") && r.err().contains("broken.json"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
