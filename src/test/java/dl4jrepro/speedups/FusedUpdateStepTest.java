package dl4jrepro.speedups;

import dl4jrepro.TestNets;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FusedUpdateStep} updates a network as DL4J's fit does: the same parameters, updater state, gradient view,
 * score and iteration count after every step.
 */
class FusedUpdateStepTest {
    /**
     * Trains two copies of the net under the same speed-ups, one with fit and one with the fused step, on the same
     * minibatches and dropout masks; returns the largest difference seen in any parameter, updater state, gradient
     * or score.
     */
    static double largestDifference(MultiLayerConfiguration conf, String speedups, int steps) {
        Speedups.Prepared byFit = TestNets.prepared(conf, speedups), fused = TestNets.prepared(conf, speedups);
        assertInstanceOf(FusedUpdateStep.class, fused.step(), "the fused step applies");
        fused.net().setParams(byFit.net().params().dup());
        double largest = 0;
        for (int i = 0; i < steps; i++) {
            Nd4j.getRandom().setSeed(100 + i);
            INDArray x = Nd4j.rand(DataType.FLOAT, 10, SpeedupsTest.MNIST.features()).subi(0.5);
            INDArray y = Nd4j.zeros(DataType.FLOAT, 10, 10);
            for (int r = 0; r < 10; r++) y.putScalar(r, (r * 7 + i) % 10, 1);
            Nd4j.getRandom().setSeed(7 + i);
            byFit.net().fit(x, y);
            Nd4j.getRandom().setSeed(7 + i);
            fused.step().fit(x, y);
            largest = Math.max(largest, Math.abs(byFit.net().score() - fused.net().score()));
            largest = Math.max(largest, maxAbsDiff(byFit.net().params(), fused.net().params()));
            largest = Math.max(largest, maxAbsDiff(byFit.net().getUpdater().getStateViewArray(),
                    fused.net().getUpdater().getStateViewArray()));
            largest = Math.max(largest, maxAbsDiff(byFit.net().getFlattenedGradients(), fused.net().getFlattenedGradients()));
            assertEquals(byFit.net().getIterationCount(), fused.net().getIterationCount(), "iterations after step " + i);
        }
        assertTrue(maxAbsDiff(byFit.net().params(), untrained(conf, speedups).params()) > 1e-4,
                "the steps moved the parameters");
        return largest;
    }

    private static MultiLayerNetwork untrained(MultiLayerConfiguration conf, String speedups) {
        return TestNets.prepared(conf, speedups).net();
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @Test
    void adamWithoutRegularizationIsFitBitForBit() {
        // g/n, the updater's arithmetic and w − step are each one float operation per element, as in fit's ops
        assertEquals(0, largestDifference(SpeedupsTest.cnn(Map.of("optimizer", "adam")), "on", 5));
    }

    @Test
    void adamWithL2IsFitBitForBit() {
        // fit adds c·w with BLAS's saxpy (FastL2: one rounding) or ND4J's Axpy op (two); Adam would amplify a
        // difference in the last bit of a bias before batch norm (its true gradient is zero) up to ±lr
        Map<String, Object> l2 = Map.of("optimizer", "adam", "l2", 0.01, "l2Bias", 0.005);
        assertEquals(0, largestDifference(SpeedupsTest.cnn(l2), "on", 5));
        assertEquals(0, largestDifference(SpeedupsTest.cnn(l2), "-l2", 5));
    }

    @Test
    void adadeltaIsFitBitForBit() {
        Map<String, Object> adadelta = Map.of("optimizer", "adadelta", "lr", 1.0, "rho", 0.9, "adadeltaEpsilon", 1e-6);
        assertEquals(0, largestDifference(SpeedupsTest.cnn(adadelta), "on", 5));
    }

    @Test
    void appliesOnlyWhereItDoesWhatFitDoes() {
        MultiLayerConfiguration adam = SpeedupsTest.cnn(Map.of("optimizer", "adam"));
        assertTrue(SpeedupsTest.kinds(TestNets.prepared(adam, "-update")).stream().noneMatch("update"::equals));
        // DL4J's own Adam has no chunk loop to fuse into; plain SGD neither
        assertTrue(SpeedupsTest.kinds(TestNets.prepared(adam, "-adam")).stream().noneMatch("update"::equals));
        assertTrue(FusedUpdateStep.of(TestNets.prepared(SpeedupsTest.cnn(Map.of("optimizer", "sgd")), "on").net()).isEmpty());
        // gradient clipping comes between the backward pass and the update, which the fused step does not do
        MultiLayerConfiguration clipped = SpeedupsTest.cnn(Map.of("optimizer", "adam"));
        ((BaseLayer) clipped.getConf(0).getLayer()).setGradientNormalization(GradientNormalization.ClipL2PerLayer);
        assertTrue(FusedUpdateStep.of(TestNets.prepared(clipped, "on").net()).isEmpty());
    }
}
