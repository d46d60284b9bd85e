package dl4jrepro.speedups;

import dl4jrepro.families.ClassicalMomentum;
import dl4jrepro.families.ScheduledUpdater;
import dl4jrepro.families.TorchAdadelta;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastAdadelta} takes the steps {@link TorchAdadelta}'s ND4J ops take, from any layout of its state. */
class FastAdadeltaTest {
    /** The networks after {@code steps} fits from equal weights: [TorchAdadelta's, FastAdadelta's]. */
    static MultiLayerNetwork[] trainBoth(DataType type, int steps) {
        return FastAdamTest.trainPair(type, steps, lr -> new TorchAdadelta(0.85, 1e-5, FastAdamTest.decaying(lr)),
                lr -> new FastAdadelta(0.85, 1e-5, FastAdamTest.decaying(lr)));
    }

    @Test
    void takesTorchAdadeltasStepsInSinglePrecisionBitForBit() {
        MultiLayerNetwork[] nets = trainBoth(DataType.FLOAT, 40);
        // Each layer its own learning rate, so each has its own updater block: the loop sees views at non-zero offsets.
        assertEquals(nets[0].getUpdater().getStateViewArray(), nets[1].getUpdater().getStateViewArray());
        assertEquals(nets[0].params(), nets[1].params());
    }

    @Test
    void inDoublePrecisionTakesTorchAdadeltasOps() {
        MultiLayerNetwork[] nets = trainBoth(DataType.DOUBLE, 10);
        assertEquals(nets[0].params(), nets[1].params());
    }

    /**
     * Every element of a view that starts inside its allocation, of a length that is no multiple of the loop's chunk,
     * gets the update TorchAdadelta's ops give it (run as DL4J runs an updater, on a state view it lays out); and a
     * strided view, which takes TorchAdadelta's ops, the same.
     */
    @Test
    void everyElementOfAViewAndOfAStridedViewGetsTorchAdadeltasUpdate() {
        int n = 3 * StateLoops.CHUNK + 777;
        double lr = 0.5;
        Nd4j.getRandom().setSeed(3);
        INDArray g = Nd4j.rand(DataType.FLOAT, 1, n + 5).subi(0.5).get(NDArrayIndex.point(0), NDArrayIndex.interval(5, n + 5));
        INDArray sq = Nd4j.rand(DataType.FLOAT, n).muli(0.01), dl = Nd4j.rand(DataType.FLOAT, n).muli(0.001);
        // Every other element of a wider array: element-wise stride 2.
        INDArray[] strided = new INDArray[3], flat = {g, sq, dl};
        for (int k = 0; k < 3; k++) {
            strided[k] = Nd4j.zeros(DataType.FLOAT, n, 2).get(NDArrayIndex.all(), NDArrayIndex.point(0));
            strided[k].assign(flat[k]);
        }
        assertFalse(StateLoops.contiguousAlike(strided[0], strided[1], strided[2]));
        TorchAdadelta plain = new TorchAdadelta(0.9, 1e-6, null);
        plain.setLearningRate(lr);
        INDArray state = Nd4j.concat(0, sq, dl).reshape(1, 2L * n);
        GradientUpdater<?> reference = plain.instantiate(state, false);
        INDArray gRef = g.dup().reshape(1, n);
        FastAdadelta fast = new FastAdadelta(0.9, 1e-6, null);
        for (int it = 0; it < 3; it++) {
            reference.applyUpdater(gRef, it, 0);
            fast.step(g, new INDArray[] {sq, dl}, lr, it);
            fast.step(strided[0], new INDArray[] {strided[1], strided[2]}, lr, it);
            for (INDArray grad : new INDArray[] {gRef, g, strided[0]}) grad.addi(0.01);
        }
        assertTrue(gRef.sub(0.01).amaxNumber().doubleValue() > 0, "the steps moved");
        assertArrayEquals(gRef.toFloatVector(), g.toFloatVector());
        assertArrayEquals(state.toFloatVector(), Nd4j.concat(0, sq, dl).toFloatVector());
        for (int k = 0; k < 3; k++) assertArrayEquals(flat[k].toFloatVector(), strided[k].toFloatVector(), "strided array " + k);
    }

    /** DL4J clones layer configurations, updaters with them: a clone equals its updater, a fixed learning rate too. */
    @Test
    void aCloneOfEachOfOurUpdatersEqualsItWithAFixedRateOrASchedule() {
        for (ScheduledUpdater u : List.<ScheduledUpdater>of(new TorchAdadelta(0.8, 1e-4, null), new FastAdadelta(0.8, 1e-4, null),
                new FastAdam(0.8, 0.99, 1e-7, null), new ClassicalMomentum(0.7, null))) {
            u.setLearningRate(0.37);
            IUpdater copy = u.clone();
            assertEquals(u.getClass(), copy.getClass());
            assertEquals(u, copy, u.getClass().getSimpleName());
            assertEquals(0.37, copy.getLearningRate(10, 1), u.getClass().getSimpleName());
            u.setLrAndSchedule(0.5, FastAdamTest.decaying(0.5));
            assertEquals(u, u.clone(), u.getClass().getSimpleName() + " with a schedule");
        }
    }

    @Test
    void modelSerializerKeepsItsSettingsAndState() throws IOException {
        FastAdamTest.assertModelSerializerKeepsTheUpdater(lr -> new FastAdadelta(0.8, 1e-4, FastAdamTest.decaying(lr)));
    }
}
