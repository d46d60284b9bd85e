package dl4jrepro.run;

import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialRunnerTest {
    private final SpecCatalog catalogue = new SpecCatalog(Path.of("experiments"));

    /** The minibatch spread is scored after training only where a figure reads it, as a metric or as its tolerance. */
    @Test
    void theBatchSpreadIsScoredWhereTheSpecReadsIt() {
        assertTrue(TrialRunner.readsBatchSpread(catalogue.load("cifar-cnn-004")), "figures with a batchSpread tolerance");
        assertTrue(TrialRunner.readsBatchSpread(catalogue.load("cifar-cnn-004-fit")), "max(final.batch_loss_mean_train_mode | …)");
        assertFalse(TrialRunner.readsBatchSpread(catalogue.load("mnist-cnn-003-comparisons")), "last-batch figures, no spread");
        assertFalse(TrialRunner.readsBatchSpread(catalogue.load("mlp-grid-004")));
    }

    /** The whole training split is scored after training where a figure, column or report row reads it. */
    @Test
    void theTrainingSplitIsScoredWhereTheSpecReadsIt() {
        assertTrue(TrialRunner.readsTrainFull(catalogue.load("mnist-cnn-003")), "a figure");
        assertTrue(TrialRunner.readsTrainFull(catalogue.load("two-layer-grid-001")), "figures, a column and report rows");
        assertTrue(TrialRunner.readsTrainFull(catalogue.load("two-layer-grid-001-seeds")), "the spread another spec reads");
        assertFalse(TrialRunner.readsTrainFull(catalogue.load("mnist-cnn-003-comparisons")), "validation curves only");
        assertFalse(TrialRunner.readsTrainFull(catalogue.load("deep-mlp-grid-000")));
        assertFalse(TrialRunner.readsTrainFull(catalogue.load("mlp-grid-004")));
    }
}
