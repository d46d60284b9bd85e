package dl4jrepro.results;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The folder a table links an ablation to: where its results are, and no link before they exist. */
class StageResultsTest {
    @TempDir Path results;

    @Test
    void linksAStageInsideItsParentsFolderAndAnExperimentInItsOwn() throws IOException {
        Files.createDirectories(results.resolve("two-layer-grid-001").resolve("train"));
        Files.writeString(results.resolve("two-layer-grid-001").resolve("train").resolve("table.md"), "x");
        Files.createDirectories(results.resolve("mlp-grid-004-depth"));
        Files.writeString(results.resolve("mlp-grid-004-depth").resolve("table.md"), "x");
        StageResults stages = new StageResults(results);
        assertEquals("two-layer-grid-001/train", stages.folder("two-layer-grid-001-train"));
        assertEquals("mlp-grid-004-depth", stages.folder("mlp-grid-004-depth"));
    }

    @Test
    void namesAnAblationNotYetRunWithoutALink() throws IOException {
        Files.createDirectories(results.resolve("two-layer-grid-001"));
        assertNull(new StageResults(results).folder("two-layer-grid-001-train"),
                "no folder holds the ablation's results yet, so any link would be dead");
        Files.createDirectories(results.resolve("two-layer-grid-001").resolve("train"));
        assertNull(new StageResults(results).folder("two-layer-grid-001-train"),
                "a stage still running has its folder but no table.md yet");
        assertNull(new StageResults(null).folder("two-layer-grid-001-train"), "a quick run reads no other experiment");
    }
}
