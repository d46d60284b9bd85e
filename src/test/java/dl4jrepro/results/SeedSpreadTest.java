package dl4jrepro.results;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.UserError;
import dl4jrepro.spec.ExperimentSpec.Figure;
import dl4jrepro.spec.ExperimentSpec.Spread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A tolerance measured from a spread stage's repeats: the sd they record, the rule on top, and too few repeats. */
class SeedSpreadTest {
    @TempDir Path results;

    static RunRecord repeat(int seed, double valAcc, Map<String, Object> hyperparameters) {
        return RunRecord.builder().experiment("quickstart-seeds").title("x").family("MlpFamily").status("completed")
                .command("run x").trialIndex(seed).trialId("seed" + seed).seed(seed).overrides(Map.of())
                .hyperparameters(hyperparameters).budget(Map.of()).data(Map.of()).backend(Map.of()).software(Map.of())
                .wallSeconds(1).trainSeconds(1).samplesPerSecond(1).parameters(1)
                .curve(List.of(new CurvePoint(10, 1, 1, 0.5, 1, valAcc, 1, 0.5, 0.01, 1))).finalMetrics(Map.of()).build();
    }

    void record(double... valAccs) throws IOException {
        java.nio.file.Files.createDirectories(results.resolve("quickstart").resolve("batch"));
        TrialStore store = new TrialStore(results.resolve("quickstart").resolve("seeds"));
        for (int i = 0; i < valAccs.length; i++) store.append(repeat(i, valAccs[i], Map.of("lr", 0.01)));
    }

    static Figure figure(double report) {
        return new Figure("val", "last.val_acc", report, null, null, null, null, new Spread("quickstart-seeds", "last.val_acc"),
                "quickstart-batch");
    }

    @Test
    void theReportsRoundingIsHalfItsLastDigit() {
        assertEquals(5e-5, figure(0.3391).reportRounding(), 1e-15);
        assertEquals(5e-4, figure(0.561).reportRounding(), 1e-15);
        assertEquals(0.05, figure(0.5).reportRounding(), 1e-15);
    }

    @Test
    void theToleranceIsTheRepeatsSdTimesZPlusRounding() throws IOException {
        double[] vals = {0.40, 0.41, 0.42, 0.43, 0.44};
        record(vals);
        double sd = Math.sqrt(0.00025); // the sample sd of the five values above
        double tolerance = Spread.Z * sd + 5e-5;
        FigureRow inside = FigureRow.of(results, figure(0.3391), 0.3391 + tolerance - 1e-6, false);
        assertEquals(tolerance, inside.tolerance(), 1e-12);
        assertEquals("within", inside.verdict());
        assertEquals(5, inside.spread().seeds());
        assertEquals("quickstart-seeds", inside.spread().experiment());
        assertEquals("quickstart-batch", inside.ablation());
        assertEquals("quickstart/batch", inside.ablationFolder(), "a stage's results are in its parent's folder");
        assertEquals("MISS", FigureRow.of(results, figure(0.3391), 0.3391 + tolerance + 1e-6, false).verdict());
    }

    @Test
    void tooFewRepeatsGiveNoToleranceAndSaySo() throws IOException {
        record(0.40, 0.41, 0.42);
        FigureRow row = FigureRow.of(results, figure(0.3391), 0.35, false);
        assertNull(row.tolerance());
        assertEquals("n/a", row.verdict());
        assertTrue(row.note().startsWith("tolerance not measured: run quickstart-seeds"), row.note());
        FigureRow quick = FigureRow.of(null, figure(0.3391), 0.35, false);
        assertEquals("n/a", quick.verdict(), "a quick run reads no spread");
    }

    @Test
    void aSpreadStageMustRepeatOneConfiguration() throws IOException {
        TrialStore store = new TrialStore(results.resolve("quickstart").resolve("seeds"));
        store.append(repeat(0, 0.4, Map.of("lr", 0.01)));
        store.append(repeat(1, 0.4, Map.of("lr", 0.02)));
        UserError e = assertThrows(UserError.class, () -> FigureRow.of(results, figure(0.3391), 0.35, false));
        assertTrue(e.getMessage().contains("a spread experiment must vary only the seed"), e.getMessage());
    }
}
