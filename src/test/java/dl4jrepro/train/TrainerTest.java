package dl4jrepro.train;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.data.PreparedData;
import dl4jrepro.spec.ExperimentSpec;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A budget that leaves the test split to the end trains exactly as one that scores it at each evaluation. */
class TrainerTest {
    private final PreparedData data = SmallMnistCnn.data(60);

    private static Trainer.Outcome train(MultiLayerNetwork net, PreparedData data, Boolean testCurve,
                                         ByteArrayOutputStream log) {
        ExperimentSpec.Budget budget = new ExperimentSpec.Budget(null, 12, 4, "last-batch", null, null, null, testCurve);
        return Trainer.train(net, net::fit, data, budget, 32, 9, new ProgressLine(new PrintStream(log), "t"), null);
    }

    @Test
    void leavingTheTestSplitToTheEndChangesNoWeightAndLeavesItsColumnsEmpty() {
        // Each net is made just before it trains: making one seeds ND4J's generator, which dropout's masks draw from.
        ByteArrayOutputStream scoredLog = new ByteArrayOutputStream(), unscoredLog = new ByteArrayOutputStream();
        MultiLayerNetwork scored = SmallMnistCnn.net(true);
        Trainer.Outcome withCurve = train(scored, data, null, scoredLog);
        MultiLayerNetwork unscored = SmallMnistCnn.net(true);
        Trainer.Outcome without = train(unscored, data, false, unscoredLog);

        assertEquals(scored.params(), unscored.params(), "the same weights, to the last bit");
        assertEquals(3, without.curve().size());
        for (int i = 0; i < 3; i++) {
            CurvePoint a = withCurve.curve().get(i), b = without.curve().get(i);
            assertEquals(a.valAcc(), b.valAcc(), 0.0);
            assertEquals(a.valLoss(), b.valLoss(), 0.0);
            assertEquals(a.trainLoss(), b.trainLoss(), 0.0);
            assertTrue(Double.isFinite(a.testAcc()) && Double.isFinite(a.testLoss()));
            assertTrue(Double.isNaN(b.testAcc()) && Double.isNaN(b.testLoss()), "not scored: " + b);
        }
        assertTrue(scoredLog.toString().contains("| test acc "), scoredLog.toString());
        assertFalse(unscoredLog.toString().contains("test"), unscoredLog.toString());
    }
}
