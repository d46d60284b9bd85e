package dl4jrepro.search;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.results.FigureRow;
import dl4jrepro.results.RunRecord;
import dl4jrepro.results.StageResults;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An ablation's one-minibatch figures are held, as its parent's are, against the picked variant's own minibatch spread. */
class AblationBatchSpreadTest {
    private static final ExperimentSpec SPEC = new SpecCatalog(Path.of("experiments")).load("cifar-cnn-004-fit");

    static RunRecord variant(int index, String label, int seed, double lastBatchLoss, double batchLossSd) {
        return RunRecord.builder().experiment(SPEC.id()).title("x").family("CnnFamily").status("completed")
                .command("run x").trialIndex(index).trialId("t" + index).seed(seed).overrides(Map.of("label", label))
                .hyperparameters(Map.of()).budget(Map.of("steps", 5000)).data(Map.of()).backend(Map.of()).software(Map.of())
                .wallSeconds(1).trainSeconds(1).samplesPerSecond(1).parameters(1)
                .curve(List.of(new CurvePoint(5000, 3.3, lastBatchLoss, 0.75, 1, 0.7, 0.8, 0.75, 1e-4, 1)))
                .finalMetrics(Map.of("batch_loss_sd", batchLossSd, "batch_acc_sd", 0.06, "test_acc", 0.75)).build();
    }

    private static FigureRow row(List<FigureRow> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void eachVariantsLastBatchIsHeldAgainstItsOwnSpreadAndSeveralTrialsGiveNone() {
        List<RunRecord> trials = List.of(
                variant(0, "shifts and flips", 42, 0.80, 0.15),
                variant(1, "inputs in [-1, 1]", 42, 0.25, 0.14),
                variant(2, "Xavier initialisation", 42, 0.90, 0.15),
                variant(3, "Xavier initialisation", 43, 0.95, 0.15));
        List<FigureRow> rows = SearchTable.figures(SPEC, trials, new StageResults(null));

        FigureRow flips = row(rows, "train loss (current minibatch), last, shifts and flips");
        assertEquals(0.80, flips.reproduced(), 1e-12);
        assertEquals(ExperimentSpec.Spread.Z * 0.15 + 0.0005, flips.tolerance(), 1e-12, "2√2 × its own sd + the rounding");
        assertEquals("within", flips.verdict());
        assertEquals("MISS", row(rows, "train loss (current minibatch), last, inputs in [-1, 1]").verdict(),
                "0.25 is 0.69 below 0.941, beyond 2√2 × 0.14");
        FigureRow xavier = row(rows, "train loss (current minibatch), last, Xavier initialisation");
        assertNull(xavier.tolerance(), "two trials under one label: whose spread is it?");
        assertEquals("n/a", xavier.verdict());
        assertTrue(xavier.note().startsWith("tolerance not measured"), xavier.note());
    }
}
