package dl4jrepro.search;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Metrics;
import dl4jrepro.results.RunRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AggregateTest {
    static RunRecord trial(int index, double lr, String status, double val, double train) {
        List<CurvePoint> curve = status.equals("diverged") ? List.of()
                : List.of(new CurvePoint(10, 1, 1, train, 1, val, 1, 0.5, lr, 1));
        return record(index, status, Map.of("lr", lr), curve, Map.of("train_full_acc", train));
    }

    final List<RunRecord> trials = List.of(trial(0, 0.01, "diverged", 0, 0), trial(1, 0.001, "completed", 0.50, 0.60),
            trial(2, 0.001, "completed", 0.54, 0.70), trial(3, 0.0001, "completed", 0.40, 0.41));

    double eval(String expression) {
        return Aggregate.parse(expression).evaluate(trials, "last.val_acc");
    }

    @Test
    void aggregatesOverFilteredTrials() {
        assertEquals(0.54, eval("max(last.val_acc)"), 1e-12);
        assertEquals(0.40, eval("min(last.val_acc)"), 1e-12);
        assertEquals(0.52, eval("mean(last.val_acc | lr=0.001)"), 1e-12);
        assertEquals(Math.sqrt(0.0008), eval("sd(last.val_acc | lr=1e-3)"), 1e-12, "numbers compare as numbers");
        assertEquals(0.70, eval("best(final.train_full_acc)"), 1e-12, "train accuracy of the best-by-val trial");
        assertEquals(0.70, eval("max(atbest.train_acc | lr=0.001)"), 1e-12, "train accuracy where val accuracy peaked");
        assertEquals(1.0, eval("diverged(last.val_acc | lr=0.01)"));
        assertEquals(0.25, eval("diverged(last.val_acc)"));
        assertEquals(2.0, eval("top2(last.val_acc | lr=0.001)"), "both lr 1e-3 trials are the two best");
        assertEquals(0.0, eval("top2(last.val_acc | lr=0.0001)"));
        assertTrue(Double.isNaN(eval("max(last.val_acc | lr=0.01)")), "a diverged trial has no accuracy");
        assertEquals(0.001, eval("bestat_lr(last.val_acc)"), 1e-12, "the rate of the best trial");
        assertEquals(0.0001, eval("bestat_lr(last.val_acc | lr=0.0001)"), 1e-12);
        assertEquals(0.001, eval("bestat_lr(final.train_full_acc)"), 1e-12, "by another metric");
        assertTrue(Double.isNaN(eval("bestat_lr(last.val_acc | lr=0.01)")), "no finite metric, no winner");
        assertEquals(0.52 / 0.40, eval("ratio(last.val_acc | lr=0.001 / lr=0.0001)"), 1e-12, "mean over each side");
        assertNull(Aggregate.parse("ratio(last.val_acc | lr=0.001)"), "a ratio needs two sides");
        assertNull(Aggregate.parse("mean(last.val_acc | lr=0.001 / lr=0.0001)"), "only a ratio has two");
    }

    @Test
    void listValuesInFiltersKeepTheirCommas() {
        Aggregate a = Aggregate.parse("max(best.val_acc | hidden=[250, 50], batchNorm=true)");
        assertEquals(Map.of("hidden", "[250, 50]", "batchNorm", "true"), a.filter());
        assertTrue(Metrics.matches(Map.of("hidden", List.of(250, 50), "batchNorm", true), a.filter()));
        assertTrue(!Metrics.matches(Map.of("hidden", List.of(250, 5), "batchNorm", true), a.filter()));
    }

    @Test
    void rejectsWhatIsNotAnAggregate() {
        assertNull(Aggregate.parse("last.val_acc"));
        assertNull(Aggregate.parse("median(last.val_acc)"));
        assertNull(Aggregate.parse("max(last.valacc)"));
        assertNull(Aggregate.parse("max(last.val_acc | lr)"));
    }

    @Test
    void crossValidationRanksConfigurationsByTheirMeanOverFolds() {
        // lr 1: folds 0.30 and 0.50 (mean 0.40); lr 2: 0.35 and 0.36 (mean 0.355, the best: losses rank low first).
        List<RunRecord> folds = List.of(fold(0, 1, 0, 0.30), fold(1, 1, 1, 0.50), fold(2, 2, 0, 0.35), fold(3, 2, 1, 0.36));
        assertEquals(0.355, Aggregate.parse("bestmean(best.val_loss)").evaluate(folds, "best.val_loss"), 1e-12);
        assertEquals(1.0, Aggregate.parse("rankmean(best.val_loss | lr=2)").evaluate(folds, "best.val_loss"));
        assertEquals(2.0, Aggregate.parse("rankmean(best.val_loss | lr=1)").evaluate(folds, "best.val_loss"),
                "lr 1 has the best single fold but the worse mean");
        assertEquals(0.30, Aggregate.parse("best(best.val_loss)").evaluate(folds, "best.val_loss"), 1e-12,
                "'best' of a loss is its lowest");
    }

    static RunRecord fold(int index, double lr, int fold, double valLoss) {
        List<CurvePoint> curve = List.of(new CurvePoint(10, 1, 1, Double.NaN, valLoss, Double.NaN, 1, Double.NaN, lr, 1));
        return record(index, "completed", Map.of("lr", lr, "data.fold", fold), curve, Map.of());
    }

    private static RunRecord record(int index, String status, Map<String, Object> overrides, List<CurvePoint> curve,
                                    Map<String, Double> finals) {
        return RunRecord.builder().experiment("x").title("x").family("MlpFamily").status(status).command("run x")
                .trialIndex(index).trialId("id" + index).seed(1).overrides(overrides).hyperparameters(Map.of())
                .budget(Map.of()).data(Map.of()).backend(Map.of()).software(Map.of()).wallSeconds(1).trainSeconds(1)
                .samplesPerSecond(1).parameters(1).curve(curve).finalMetrics(finals).build();
    }

    @Test
    void theGapFilterKeepsTheTrialsOfTheTablesLessOverfittingView() {
        // trial(index, lr, status, val, train): trials 1 and 2 overfit by 0.1 and 0.16, trial 3 by 0.01.
        var table = new dl4jrepro.spec.ExperimentSpec.TableSpec("last.val_acc",
                List.of(new dl4jrepro.spec.ExperimentSpec.Column("final.train_full_acc", "train acc")), null, null, 0.1,
                null, null, null, null);
        List<RunRecord> kept = SearchTable.withinGap(table, trials);
        assertEquals(List.of(1, 3), kept.stream().map(RunRecord::trialIndex).toList());
        assertEquals(0.50, Aggregate.parse("max(last.val_acc)").evaluate(kept, "last.val_acc"), 1e-12);
    }
}
