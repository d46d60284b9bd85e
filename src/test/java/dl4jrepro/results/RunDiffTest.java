package dl4jrepro.results;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** repro diff over stored records: a search's trials by number and id, a single run by its folder. */
class RunDiffTest {
    @TempDir Path results;

    static RunRecord record(Integer index, String id, double lr, long seed, String commit, String blas, double testAcc) {
        return RunRecord.builder().experiment("grid").status("completed").trialIndex(index).trialId(id).seed(seed)
                .overrides(Map.of("lr", lr)).hyperparameters(Map.of("lr", 0.1, "batch", 50)).budget(Map.of("steps", 100))
                .data(Map.of("dataset", "mnist", "checksum", "abc")).backend(Map.of("kind", "CPU", "blas", blas, "summary", "x"))
                .software(Map.of("git_commit", commit)).speedups("on").substitutions(List.of())
                .curve(List.of(new CurvePoint(100, 1, 0.5, 0.9, 0.6, 0.85, 0.6, testAcc, lr, 3)))
                .finalMetrics(Map.of("test_acc", testAcc)).wallSeconds(3).build();
    }

    @Test
    void twoTrialsOfASearchDifferInTheirSettingAndFigures() throws Exception {
        TrialStore store = new TrialStore(Files.createDirectories(results.resolve("grid")));
        store.append(record(0, "aaa", 0.1, 1, "c1", "OpenBLAS 0.3.21", 0.80));
        store.append(record(1, "bbb", 0.01, 1, "c1", "OpenBLAS 0.3.21", 0.75));
        String md = RunDiff.markdown(RunDiff.load(results, "grid#1"), RunDiff.load(results, "grid#bbb"));
        assertTrue(md.contains("| settings | lr | 0.1 | 0.01 |"), md);
        assertTrue(md.contains("| final.test_acc | 0.8000 | 0.7500 | -0.05000 |"), md);
        assertTrue(md.contains("code 3 of 3"), md);  // commit, speed-ups and substitutions agree
        assertEquals(1, md.lines().filter(l -> l.startsWith("| settings") || l.startsWith("| code")
                || l.startsWith("| data") || l.startsWith("| backend")).count(), md);
    }

    @Test
    void aRerunOnOtherCodeAndBlasShowsBoth() throws Exception {
        Path a = Files.createDirectories(results.resolve("one")), b = Files.createDirectories(results.resolve("two"));
        Files.writeString(a.resolve(ResultsStore.RUN), Json.MAPPER.writeValueAsString(record(null, null, 0.1, 1, "c1", "OpenBLAS 0.3.19", 0.8)));
        Files.writeString(b.resolve(ResultsStore.RUN), Json.MAPPER.writeValueAsString(record(null, null, 0.1, 1, "c2", "OpenBLAS 0.3.21", 0.8)));
        String md = RunDiff.markdown(RunDiff.load(results, a.toString()), RunDiff.load(results, b.toString()));
        assertTrue(md.contains("| code | git_commit | c1 | c2 |"), md);
        assertTrue(md.contains("| backend | blas | OpenBLAS 0.3.19 | OpenBLAS 0.3.21 |"), md);
        assertTrue(md.contains("| final.test_acc | 0.8000 | 0.8000 | +0.000 |"), md);
    }

    @Test
    void unknownRunsAndTrialsAreOneLineErrors() throws Exception {
        new TrialStore(Files.createDirectories(results.resolve("grid"))).append(record(0, "aaa", 0.1, 1, "c1", "b", 0.8));
        assertTrue(assertThrows(UserError.class, () -> RunDiff.load(results, "grid#7")).getMessage().contains("no trial 7"));
        assertTrue(assertThrows(UserError.class, () -> RunDiff.load(results, "nowhere")).getMessage().contains("no run.json"));
    }
}
