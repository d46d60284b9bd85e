package dl4jrepro.results;

import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalogue page: its scoreboard counts the committed verdicts, and the committed page is what the command writes. */
class CataloguePageTest {
    private static final SpecCatalog SPECS = new SpecCatalog(Path.of("experiments"));

    @Test
    void theCommittedPageIsWhatTheCommandWrites() throws IOException {
        String written = CataloguePage.markdown(SPECS.all(), Path.of("results"), CataloguePage.DEFAULT);
        assertEquals(written, Files.readString(CataloguePage.DEFAULT),
                "docs/catalogue.md is out of step with the specs or results: run ./repro catalogue and commit it");
    }

    @Test
    void theScoreboardCountsVerdictsPerReportButNotAnAblationsOwnVariants(@TempDir Path tmp) throws IOException {
        ExperimentSpec parent = SPECS.load("two-layer-torch-000"), ablation = SPECS.load("two-layer-torch-000-train");
        ExperimentSpec notRun = SPECS.load("cifar-cnn-004");
        Path results = tmp.resolve("results");
        summary(results.resolve(parent.resultsPath()), """
                {"figures": [
                  {"name": "val", "report": 0.5, "reproduced": 0.51, "tolerance": 0.02, "verdict": "within"},
                  {"name": "train", "report": 0.59, "reproduced": 0.5, "tolerance": 0.02, "verdict": "MISS",
                   "ablation": "two-layer-torch-000-train"}]}""");
        summary(results.resolve(ablation.resultsPath()), """
                {"figures": [
                  {"name": "train, variant", "report": 0.59, "reproduced": 0.6, "tolerance": null, "verdict": "n/a",
                   "ablation": "two-layer-torch-000-train"},
                  {"name": "bound", "report": null, "reproduced": 3, "at_least": 2, "verdict": "pass"}]}""");
        Path page = tmp.resolve("docs/catalogue.md");
        String md = CataloguePage.markdown(List.of(parent, ablation, notRun), results, page);

        assertTrue(md.contains("| 000 | 1 | 1 | 1 | 0 | 0 | 0 | 2 |"), "the variant row is not counted:\n" + md);
        assertTrue(md.contains("| 004 | 0 | 0 | 0 | 0 | 0 | 0 | 1 |"), md);
        assertTrue(md.contains("| **all** | 1 | 1 | 1 | 0 | 0 | 0 | 3 |"), md);
        assertTrue(md.contains("| train | 0.5900 | 0.5000 | ± 0.0200 | **MISS** (ablation `two-layer-torch-000-train`) |"), md);
        assertTrue(md.contains("| bound | — | 3.0000 | ≥ 2.0000 | pass |"), md);
        assertTrue(md.contains("[table](../results/two-layer-torch-000/train/table.md)"), "links run from the page to the table");
        assertTrue(md.contains("no committed results yet (`./repro run cifar-cnn-004`)"), md);
    }

    private static void summary(Path dir, String json) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.json"), json);
    }
}
