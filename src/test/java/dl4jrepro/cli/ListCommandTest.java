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
}
