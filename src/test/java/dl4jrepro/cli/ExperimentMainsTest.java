package dl4jrepro.cli;

import dl4jrepro.base.UserError;
import dl4jrepro.experiments.BackpropChecks;
import dl4jrepro.experiments.CifarCnn;
import dl4jrepro.experiments.DeepMlpGrids;
import dl4jrepro.experiments.MnistCnn;
import dl4jrepro.experiments.SeluRegression;
import dl4jrepro.experiments.TwoLayerNets;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The named experiment mains: every catalogue experiment has exactly one, and each runs what a user asks of it. */
class ExperimentMainsTest {
    static final List<List<String>> MAINS = List.of(TwoLayerNets.EXPERIMENTS, DeepMlpGrids.EXPERIMENTS,
            MnistCnn.EXPERIMENTS, CifarCnn.EXPERIMENTS, SeluRegression.EXPERIMENTS, BackpropChecks.EXPERIMENTS);

    @Test
    void everySpecBelongsToExactlyOneMain() {
        List<String> listed = new ArrayList<>();
        MAINS.forEach(listed::addAll);
        List<String> specs = new SpecCatalog(Path.of("experiments")).all().stream().map(ExperimentSpec::id).sorted().toList();
        assertEquals(specs, listed.stream().sorted().toList(), "each spec in one main, each main's id a spec");
    }

    @Test
    void aMainRunsItsExperimentsOrTheOneIdGiven() {
        assertEquals(List.of("run", "cifar-cnn-004", "cifar-cnn-004-fit", "--quick"),
                Repro.experimentArgs("CifarCnn", CifarCnn.EXPERIMENTS, new String[] {"--quick"}));
        assertEquals(List.of("run", "mnist-cnn-003-comparisons", "--threads", "2"), Repro.experimentArgs("MnistCnn",
                MnistCnn.EXPERIMENTS, new String[] {"mnist-cnn-003-comparisons", "--threads", "2"}));
        UserError e = assertThrows(UserError.class,
                () -> Repro.experimentArgs("MnistCnn", MnistCnn.EXPERIMENTS, new String[] {"cifar-cnn-004"}));
        assertTrue(e.getMessage().startsWith("cifar-cnn-004 is not one of MnistCnn's experiments"), e.getMessage());
    }
}
