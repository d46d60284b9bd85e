package dl4jrepro.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** latest.md's section on the real runs: the verdict at the spec's budget, and one section however often it is renewed. */
class PipelineSectionTest {
    @TempDir
    Path dir;

    static final String FIGURES = """
            {"software": {"git_commit": "0123456789abcdef"}, "models": [
              {"model": "dense", "experiment": "grid-a", "bare_samples_per_s": 1000.0, "real_samples_per_s": 950.0,
               "pipeline_share": 0.05},
              {"model": "cnn", "experiment": "cnn-b", "bare_samples_per_s": 100.0, "real_samples_per_s": 60.0,
               "pipeline_share": 0.40, "full_budget_pipeline_share_projected": 0.15}
            ]}""";

    @Test
    void aRunAtItsBudgetIsJudgedAsMeasured_aShorterOneAtItsProjection() throws Exception {
        Files.writeString(dir.resolve("pipeline-share.json"), FIGURES);
        String md = PipelineSection.markdown(dir);
        assertTrue(md.contains("| dense | grid-a | 1,000 | 950 | 95 % | (run at it) | met |"), md);
        assertTrue(md.contains("| cnn | cnn-b | 100 | 60 | 60 % | 85 % (projected) | MISSED by 5 points |"), md);
        assertTrue(md.contains("(git 0123456;"), md);
    }

    @Test
    void renewingReplacesTheSectionAndKeepsThePeerTable() throws Exception {
        Files.writeString(dir.resolve("latest.md"), "# DL4J against PyTorch\n\npeer table\n");
        PipelineSection.refreshLatest(dir);
        assertTrue(Files.readString(dir.resolve("latest.md")).contains("Not measured yet"));
        Files.writeString(dir.resolve("pipeline-share.json"), FIGURES);
        PipelineSection.refreshLatest(dir);
        String page = Files.readString(dir.resolve("latest.md"));
        assertTrue(page.startsWith("# DL4J against PyTorch\n\npeer table\n"), page);
        assertEquals(1, page.split(PipelineSection.HEADING, -1).length - 1, page);
        assertFalse(page.contains("Not measured yet"), page);
    }
}
