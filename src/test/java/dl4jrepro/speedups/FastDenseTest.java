package dl4jrepro.speedups;

import dl4jrepro.checks.DoublePrecision;
import dl4jrepro.checks.GradientCheck;
import dl4jrepro.checks.LayerEquivalence;
import dl4jrepro.layers.BatchNormLayersTest;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastDense} computes what DL4J's DenseLayer computes, in training steps, gradients and serialisation. */
@ExtendWith(DoublePrecision.class)
class FastDenseTest {
    final INDArray x = Nd4j.rand(DataType.DOUBLE, 16, 7).subi(0.5);
    final INDArray y = BatchNormLayersTest.oneHot(16, 3);

    /** 7 → 9 (activation) → 5 (tanh) → softmax 3, each dense layer built by {@code dense}. */
    static MultiLayerConfiguration net(UnaryOperator<DenseLayer> dense, Activation first, double dropout) {
        DenseLayer.Builder second = new DenseLayer.Builder().nIn(9).nOut(5).activation(Activation.TANH);
        if (dropout > 0) second.dropOut(1 - dropout);
        return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).weightInit(WeightInit.XAVIER)
                .updater(new Adam(0.01)).l2(1e-3).list()
                .layer(dense.apply(new DenseLayer.Builder().nIn(7).nOut(9).activation(first).build()))
                .layer(dense.apply(second.build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3).activation(Activation.SOFTMAX).build())
                .build();
    }

    static MultiLayerNetwork built(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void sameOutputsGradientsStepsAndSerialisationAsDl4jsDenseLayer() throws IOException {
        for (Activation a : new Activation[] {Activation.RELU, Activation.SIGMOID, Activation.SELU}) {
            var rows = LayerEquivalence.compare(built(net(d -> d, a, 0)), built(net(FastDense::of, a, 0)), x, y, 5, true);
            for (LayerEquivalence.Row r : rows) assertEquals(0, r.maxAbsDiff(), 1e-12, a + ": " + r);
        }
    }

    @Test
    void sameTrainingStepsWithDropout() {
        MultiLayerNetwork dl4j = built(net(d -> d, Activation.RELU, 0.3)), fast = built(net(FastDense::of, Activation.RELU, 0.3));
        fast.setParams(dl4j.params().dup());
        for (int i = 0; i < 5; i++) {
            // Dropout masks come from ND4J's global generator: the same seed gives both nets the same masks.
            Nd4j.getRandom().setSeed(100 + i);
            dl4j.fit(x, y);
            Nd4j.getRandom().setSeed(100 + i);
            fast.fit(x, y);
        }
        assertEquals(0, dl4j.params().sub(fast.params()).amaxNumber().doubleValue(), 1e-12);
        assertEquals(5, ((FastDenseLayer) fast.getLayer(1)).reusedForwardPasses(), "every step reused its forward pass");
    }

    @Test
    void aFirstLayerWithoutInputGradientTrainsTheSame() {
        UnaryOperator<DenseLayer> noInputGradientBelowTheFirst = new UnaryOperator<>() {
            boolean first = true;

            @Override
            public DenseLayer apply(DenseLayer d) {
                FastDense fast = FastDense.of(d);
                fast.setInputGradient(!first);
                first = false;
                return fast;
            }
        };
        MultiLayerNetwork dl4j = built(net(d -> d, Activation.RELU, 0)), fast = built(net(noInputGradientBelowTheFirst, Activation.RELU, 0));
        fast.setParams(dl4j.params().dup());
        assertEquals(null, fast.calculateGradients(x, y, null, null).getSecond(), "no input gradient computed");
        for (int i = 0; i < 5; i++) {
            dl4j.fit(x, y);
            fast.fit(x, y);
        }
        assertEquals(0, dl4j.params().sub(fast.params()).amaxNumber().doubleValue(), 1e-12);
        MultiLayerNetwork asked = built(net(FastDense::of, Activation.RELU, 0));  // every layer computing its input gradient
        asked.setParams(dl4j.params().dup());
        assertEquals(0, dl4j.calculateGradients(x, y, null, null).getSecond()
                .sub(asked.calculateGradients(x, y, null, null).getSecond()).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void passesGradientChecks() {
        MultiLayerNetwork net = GradientCheck.network(net(FastDense::of, Activation.TANH, 0));
        assertTrue(net.getLayer(0) instanceof FastDenseLayer);
        assertTrue(GradientCheck.dl4j(net, x, y, 1e-6, 1e-5, 1e-9));
    }
}
