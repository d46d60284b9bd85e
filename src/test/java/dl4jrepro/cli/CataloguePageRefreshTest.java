package dl4jrepro.cli;

import dl4jrepro.results.CataloguePage;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command that rewrites results also rewrites the page of the project they belong to, so a checkout's catalogue page
 * stays the scoreboard of its own results; results written anywhere else leave the page alone.
 */
class CataloguePageRefreshTest {
    @TempDir Path tmp;

    @Test
    void rewritingAProjectsResultsRewritesItsPageAndNoOtherResultsDo() throws IOException {
        Path project = tmp.resolve("project");
        Path experiments = Files.createDirectories(project.resolve("experiments"));
        Files.copy(Path.of("experiments", "quickstart.json"), experiments.resolve("quickstart.json"));
        Path run = Files.createDirectories(project.resolve("results/quickstart")).resolve("run.json");
        Files.copy(Path.of("results", "quickstart", "run.json"), run);
        Path page = project.resolve(CataloguePage.DEFAULT);
        Files.createDirectories(page.getParent());
        Files.writeString(page, "a page written before these results\n");

        // Elsewhere: the same experiments, another results folder.
        Path elsewhere = tmp.resolve("elsewhere");
        Files.createDirectories(elsewhere.resolve("quickstart"));
        Files.copy(run, elsewhere.resolve("quickstart/run.json"));
        CliRun other = CliRun.of("--experiments-dir", experiments.toString(), "--results-dir", elsewhere.toString(),
                "table", "quickstart");
        assertEquals(0, other.exitCode(), other.err());
        assertEquals("a page written before these results\n", Files.readString(page), "another folder's results");

        CliRun own = CliRun.of("--experiments-dir", experiments.toString(), "--results-dir",
                project.resolve("results").toString(), "table", "quickstart");
        assertEquals(0, own.exitCode(), own.err());
        String expected = CataloguePage.markdown(new SpecCatalog(experiments).all(), project.resolve("results"), page);
        assertEquals(expected, Files.readString(page));
        assertTrue(expected.contains("results/quickstart/table.md"), "the page links the project's own results");
        assertTrue(own.out().contains("updated " + page), own.out());
    }
}
