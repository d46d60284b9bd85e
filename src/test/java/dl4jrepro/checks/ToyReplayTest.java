package dl4jrepro.checks;

import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Catalogue A0: the two-layer net's arithmetic, replayed on the course's toy problem with toy-sgd-000's settings,
 * gives the course's NumPy numbers to 1e-9; a 1 % change of the penalty or the decay does not.
 */
class ToyReplayTest {
    private static final ExperimentSpec SPEC = new SpecCatalog(Path.of("experiments")).load("toy-sgd-000");

    /** The course's numbers, as the spec's figures hold them. */
    private static double report(String metric) {
        return SPEC.reference().figures().stream().filter(f -> f.metric().equals(metric) && f.tolerance() == 1e-9)
                .findFirst().orElseThrow().report();
    }

    private static ToyReplay.Losses replay(String net, String key, double factor) {
        ExperimentSpec.CheckNet n = SPEC.check().nets().stream().filter(c -> c.label().equals(net)).findFirst().orElseThrow();
        Hyperparameters hp = ResolvedConfig.of(SPEC, false, n.overrides()).hyperparameters();
        if (key == null) return ToyReplay.replay(hp);
        Map<String, Object> changed = new HashMap<>(hp.asMap());
        changed.put(key, hp.getDouble(key) * factor);
        return ToyReplay.replay(new Hyperparameters(SPEC.id(), changed));
    }

    @Test
    void replaysTheCoursesToyRunToItsPrintedDigits() {
        ToyReplay.Losses before = replay("reg 0.05", null, 1);
        ToyReplay.Losses trained = replay("reg 5e-6", null, 1);
        assertEquals(100, trained.minibatches().size());
        assertEquals(report("check:reg 0.05:all:loss_before_training"), before.beforeTraining(), 1e-9);
        assertEquals(report("check:reg 5e-6:all:loss_last_minibatch"), trained.lastMinibatch(), 1e-9);
    }

    /** The test above would fail on a 1 % change of the penalty (either figure) or of the decay. */
    @ParameterizedTest
    @CsvSource({"reg 0.05, reg, 1.01, check:reg 0.05:all:loss_before_training",
            "reg 5e-6, reg, 1.01, check:reg 5e-6:all:loss_last_minibatch",
            "reg 5e-6, lrDecayPerEpoch, 1.01, check:reg 5e-6:all:loss_last_minibatch",
            "reg 5e-6, lrDecayPerEpoch, 0.99, check:reg 5e-6:all:loss_last_minibatch",
            "reg 5e-6, lr, 1.01, check:reg 5e-6:all:loss_last_minibatch"})
    void aOnePercentChangeMissesTheCoursesNumber(String net, String key, double factor, String metric) {
        ToyReplay.Losses r = replay(net, key, factor);
        double value = metric.endsWith("before_training") ? r.beforeTraining() : r.lastMinibatch();
        assertTrue(Math.abs(value - report(metric)) > 1e-9, key + " ×" + factor + " still gives " + value);
    }
}
