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
        java.nio.file.Files.writeString(results.resolve("quickstart").resolve("batch").resolve("table.md"), "x");
        TrialStore store = new TrialStore(results.resolve("quickstart").resolve("seeds"));
        for (int i = 0; i < valAccs.length; i++) store.append(repeat(i, valAccs[i], Map.of("lr", 0.01)));
    }

    static Figure figure(double report) {
        return new Figure("val", "last.val_acc", report, null, null, null, null, new Spread("quickstart-seeds", "last.val_acc"),
                "quickstart-batch", null, null);
    }

    @Test
    void theReportsRoundingIsHalfItsLastDigit() {
        assertEquals(5e-5, figure(0.3391).reportRounding(), 1e-15);
        assertEquals(5e-4, figure(0.561).reportRounding(), 1e-15);
        assertEquals(0.05, figure(0.5).reportRounding(), 1e-15);
        Figure printedTenPercent = new Figure("val", "last.val_acc", 0.1, 0.03, null, null, null, null, null, null, 3);
        assertEquals(5e-4, printedTenPercent.reportRounding(), 1e-15, "10.0 % printed: the JSON 0.1 lost its zeros");
    }

    @Test
    void theToleranceIsTheRepeatsSdTimesZPlusRounding() throws IOException {
        double[] vals = {0.40, 0.41, 0.42, 0.43, 0.44};
        record(vals);
        double sd = Math.sqrt(0.00025); // the sample sd of the five values above
        double tolerance = Spread.Z * sd + 5e-5;
        FigureRow inside = FigureRow.of(new StageResults(results), figure(0.3391), 0.3391 + tolerance - 1e-6, false, Double.NaN);
        assertEquals(tolerance, inside.tolerance(), 1e-12);
        assertEquals("within", inside.verdict());
        assertEquals(5, inside.spread().seeds());
        assertEquals("quickstart-seeds", inside.spread().experiment());
        assertEquals("quickstart-batch", inside.ablation());
        assertEquals("quickstart/batch", inside.ablationFolder(), "a stage's results are in its parent's folder");
        assertEquals("MISS", FigureRow.of(new StageResults(results), figure(0.3391), 0.3391 + tolerance + 1e-6, false, Double.NaN).verdict());
    }

    @Test
    void tooFewRepeatsGiveNoToleranceAndSaySo() throws IOException {
        record(0.40, 0.41, 0.42);
        FigureRow row = FigureRow.of(new StageResults(results), figure(0.3391), 0.35, false, Double.NaN);
        assertNull(row.tolerance());
        assertEquals("n/a", row.verdict());
        assertTrue(row.note().startsWith("tolerance not measured: run quickstart-seeds"), row.note());
        FigureRow quick = FigureRow.of(new StageResults(null), figure(0.3391), 0.35, false, Double.NaN);
        assertEquals("n/a", quick.verdict(), "a quick run reads no spread");
    }

    @Test
    void aSpreadStageMustRepeatOneConfiguration() throws IOException {
        TrialStore store = new TrialStore(results.resolve("quickstart").resolve("seeds"));
        store.append(repeat(0, 0.4, Map.of("lr", 0.01)));
        store.append(repeat(1, 0.4, Map.of("lr", 0.02)));
        UserError e = assertThrows(UserError.class, () -> FigureRow.of(new StageResults(results), figure(0.3391), 0.35, false, Double.NaN));
        assertTrue(e.getMessage().contains("a spread must pick one"), e.getMessage());
    }

    @Test
    void aFilterPicksOneConfigurationOfSeveral() throws IOException {
        TrialStore store = new TrialStore(results.resolve("quickstart").resolve("seeds"));
        double[] picked = {0.40, 0.41, 0.42, 0.43, 0.44};
        for (int i = 0; i < picked.length; i++) {
            store.append(repeat(i, picked[i], Map.of("lr", 0.01)));
            store.append(repeat(10 + i, 0.1 * i, Map.of("lr", 0.02)));
        }
        Figure f = new Figure("val", "last.val_acc", 0.4, null, null, null, null,
                new Spread("quickstart-seeds", "last.val_acc | lr=0.01"), null, null, null);
        FigureRow row = FigureRow.of(new StageResults(results), f, 0.4, false, Double.NaN);
        assertEquals(5, row.spread().seeds());
        assertEquals(Math.sqrt(0.00025), row.spread().sd(), 1e-12, "only the lr 0.01 repeats count");
    }

    @Test
    void aOneMinibatchFigureIsHeldAgainstItsRunsOwnBatchSpread() {
        Figure f = new Figure("train acc, last batch", "last.train_acc", 0.75, null, null, null, null, null, null,
                "final.batch_acc_sd", 3);
        double tolerance = Spread.Z * 0.06 + 5e-4; // printed 0.750 (reportDecimals 3)
        FigureRow inside = FigureRow.of(new StageResults(null), f, 0.75 + tolerance - 1e-6, false, 0.06);
        assertEquals("within", inside.verdict());
        assertEquals(tolerance, inside.tolerance(), 1e-12);
        assertEquals(0.06, inside.batchSd());
        assertEquals("MISS", FigureRow.of(new StageResults(null), f, 0.75 + tolerance + 1e-6, false, 0.06).verdict());
        FigureRow old = FigureRow.of(new StageResults(null), f, 0.9, false, Double.NaN);
        assertEquals("n/a", old.verdict(), "a record from before the measurement has no tolerance");
        assertTrue(old.note().contains("no final.batch_acc_sd of one run"), old.note());
    }
}
