package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.DoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastAdam} takes the steps DL4J's Adam takes, in both precisions, from any layout of its state. */
class FastAdamTest {
    /**
     * 12 → 20 → 8 → softmax 4; each layer its own learning rate, so DL4J gives each layer its own updater block and
     * the gradient and state arrays the updater sees are views at non-zero offsets.
     */
    static MultiLayerConfiguration net(DataType type, DoubleFunction<IUpdater> updater) {
        return new NeuralNetConfiguration.Builder().seed(5).dataType(type).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(20).activation(Activation.RELU).updater(updater.apply(3e-2)).build())
                .layer(new DenseLayer.Builder().nIn(20).nOut(8).activation(Activation.TANH).updater(updater.apply(1e-2)).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(4).activation(Activation.SOFTMAX)
                        .updater(updater.apply(2e-2)).build())
                .build();
    }

    static ISchedule decaying(double lr) {
        return new StepSchedule(ScheduleType.ITERATION, lr, 0.5, 10);
    }

    /** Two networks of {@link #net} from equal weights, each after {@code steps} fits on one fixed batch. */
    static MultiLayerNetwork[] trainPair(DataType type, int steps, DoubleFunction<IUpdater> first, DoubleFunction<IUpdater> second) {
        MultiLayerNetwork a = new MultiLayerNetwork(net(type, first)), b = new MultiLayerNetwork(net(type, second));
        a.init();
        b.init();
        b.setParams(a.params().dup());
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(type, 32, 12).subi(0.5);
        INDArray y = Nd4j.zeros(type, 32, 4);
        for (int i = 0; i < 32; i++) y.putScalar(i, (i * 7) % 4, 1);
        for (int i = 0; i < steps; i++) {
            a.fit(x, y);
            b.fit(x, y);
        }
        assertTrue(a.getUpdater().getStateViewArray().amaxNumber().doubleValue() > 0, "the updater's state was used");
        return new MultiLayerNetwork[] {a, b};
    }

    /** Largest parameter difference, relative to the largest parameter, after {@code steps} steps from equal weights. */
    static double trainBoth(DataType type, int steps) {
        MultiLayerNetwork[] nets = trainPair(type, steps, lr -> new Adam.Builder().learningRateSchedule(decaying(lr))
                .beta1(0.8).beta2(0.99).epsilon(1e-7).build(), lr -> new FastAdam(0.8, 0.99, 1e-7, decaying(lr)));
        return nets[0].params().sub(nets[1].params()).amaxNumber().doubleValue() / nets[0].params().amaxNumber().doubleValue();
    }

    @Test
    void takesDl4jsAdamStepsInDoublePrecision() {
        assertEquals(0, trainBoth(DataType.DOUBLE, 40), 1e-12);
    }

    @Test
    void takesDl4jsAdamStepsInSinglePrecision() {
        // Single precision: the two round in different places (DL4J's op computes the bias correction in float).
        assertEquals(0, trainBoth(DataType.FLOAT, 40), 1e-5);
    }

    @Test
    void stridedStateTakesTheSameStepAsContiguousState() {
        FastAdam adam = new FastAdam(0.9, 0.999, 1e-8, null);
        INDArray g = Nd4j.rand(DataType.FLOAT, 6, 5), m = Nd4j.rand(DataType.FLOAT, 6, 5), v = Nd4j.rand(DataType.FLOAT, 6, 5);
        // Every other column of a wider array: element-wise stride 2, so the element-wise ops path runs.
        INDArray gs = Nd4j.zeros(DataType.FLOAT, 6, 10), ms = Nd4j.zeros(DataType.FLOAT, 6, 10), vs = Nd4j.zeros(DataType.FLOAT, 6, 10);
        INDArray[] strided = new INDArray[3];
        INDArray[] wide = {gs, ms, vs}, dense = {g, m, v};
        for (int k = 0; k < 3; k++) {
            strided[k] = wide[k].get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 10));
            strided[k].assign(dense[k]);
        }
        assertTrue(strided[0].elementWiseStride() != 1);
        for (int it = 0; it < 3; it++) {
            adam.step(g, new INDArray[] {m, v}, 1e-3, it);
            adam.step(strided[0], new INDArray[] {strided[1], strided[2]}, 1e-3, it);
            g.addi(0.1);
            strided[0].addi(0.1);
        }
        for (int k = 0; k < 3; k++) assertEquals(0, dense[k].sub(strided[k]).amaxNumber().doubleValue(), 1e-6, "array " + k);
    }

    @Test
    void modelSerializerKeepsItsStateAndTrainingContinuesTheSame() throws IOException {
        // Not the no-argument constructor's values, so a field lost in the JSON shows.
        assertModelSerializerKeepsTheUpdater(lr -> new FastAdam(0.8, 0.99, 1e-7, decaying(lr)));
    }

    /**
     * A network trained with {@code updater}, saved and restored by ModelSerializer, has the same updaters (class and
     * settings: give settings other than the no-argument constructor's) and state, and its next step is the same.
     */
    static void assertModelSerializerKeepsTheUpdater(DoubleFunction<IUpdater> updater) throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(net(DataType.FLOAT, updater));
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 12), y = Nd4j.zeros(DataType.FLOAT, 16, 4);
        for (int i = 0; i < 16; i++) y.putScalar(i, i % 4, 1);
        for (int i = 0; i < 5; i++) net.fit(x, y);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        for (int i = 0; i < 3; i++) {
            // An updater's equals compares its class and settings.
            assertEquals(net.getLayer(i).conf().getLayer().getUpdaterByParam("W"),
                    restored.getLayer(i).conf().getLayer().getUpdaterByParam("W"));
        }
        net.fit(x, y);
        restored.fit(x, y);
        assertEquals(net.params(), restored.params());
    }

    /**
     * The float loop copies the buffers out in chunks, split over the loop's threads: every element, at the chunks'
     * and the threads' edges too, gets exactly the update the formula gives it, step by step in float (here a view that
     * starts inside its allocation, of a length that is no multiple of a chunk).
     */
    @Test
    void floatStepsAreTheFormulasBitForBit() {
        int n = 3 * 2048 + 777;
        Nd4j.getRandom().setSeed(11);
        INDArray g = Nd4j.rand(DataType.FLOAT, 1, n + 5).subi(0.5).get(NDArrayIndex.point(0), NDArrayIndex.interval(5, n + 5));
        INDArray m = Nd4j.rand(DataType.FLOAT, n).subi(0.5).muli(0.1), v = Nd4j.rand(DataType.FLOAT, n).muli(0.01);
        float[] gf = g.toFloatVector(), mf = m.toFloatVector(), vf = v.toFloatVector();
        double lr = 0.003;
        int iteration = 6;
        new FastAdam(0.9, 0.999, 1e-8, null).step(g, new INDArray[] {m, v}, lr, iteration);
        float alpha = (float) (lr * Math.sqrt(1 - Math.pow(0.999, iteration + 1)) / (1 - Math.pow(0.9, iteration + 1)));
        float[] gOut = g.toFloatVector(), mOut = m.toFloatVector(), vOut = v.toFloatVector();
        for (int i = 0; i < n; i++) {
            float mI = 0.9f * mf[i] + gf[i] * (float) (1 - 0.9);
            float vI = 0.999f * vf[i] + gf[i] * gf[i] * (float) (1 - 0.999);
            assertEquals(mI, mOut[i], 0f, "m at " + i);
            assertEquals(vI, vOut[i], 0f, "v at " + i);
            assertEquals(mI * alpha / ((float) Math.sqrt(vI) + 1e-8f), gOut[i], 0f, "update at " + i);
        }
    }
}
