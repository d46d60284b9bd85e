package dl4jrepro.speedups;

import dl4jrepro.TestNets;
import dl4jrepro.checks.LayerEquivalence;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.CnnFamily;
import dl4jrepro.families.MlpFamily;
import dl4jrepro.families.MlpFamilyTest;
import dl4jrepro.families.ModelFamily;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastReLU} computes exactly what DL4J's ReLU computes, alone and inside networks. */
class FastReLUTest {
    @Test
    void backwardPassEqualsDl4jsIncludingAtZero() {
        INDArray z = Nd4j.rand(DataType.FLOAT, 64, 50).subi(0.5);
        z.get(NDArrayIndex.interval(0, 8)).assign(0);  // exact zeros: no gradient there
        INDArray eps = Nd4j.randn(DataType.FLOAT, 64, 50);
        INDArray fast = new FastReLU().backprop(z.dup(), eps).getFirst();
        INDArray dl4j = new ActivationReLU().backprop(z.dup(), eps).getFirst();
        assertEquals(0, fast.sub(dl4j).amaxNumber().doubleValue());
        assertEquals(0, fast.get(NDArrayIndex.interval(0, 8)).amaxNumber().doubleValue());
        assertTrue(fast.amaxNumber().doubleValue() > 0);
    }

    @Test
    void cnnWithAndWithoutBatchNormTrainsAsWithDl4jsRelu() throws IOException {
        for (boolean batchNorm : new boolean[] {true, false}) {
            Map<String, Object> hp = new HashMap<>(Map.of("blocks", List.of(List.of(4), List.of(6)), "kernel", 3,
                    "padding", "same", "downsample", "maxpool", "batchNorm", batchNorm, "dropoutConv", 0.0,
                    "dense", List.of(8), "dropoutDense", 0.0, "activation", "relu", "weightInit", "he"));
            hp.putAll(Map.of("optimizer", "sgd", "lr", 0.1, "lrDecayPerEpoch", 1.0, "batch", 10));
            assertSameNetworks(new CnnFamily(), hp, new InputShape(2, 8, 8));
        }
    }

    @Test
    void mlpWithBatchNormOnDl4jsStepTrainsAsWithDl4jsRelu() throws IOException {
        Map<String, Object> hp = new HashMap<>(MlpFamilyTest.twoLayer());
        hp.putAll(Map.of("hidden", List.of(20, 10), "batchNorm", true, "dropout", 0.0, "weightInit", "he"));
        assertSameNetworks(new MlpFamily(), hp, new InputShape(1, 6, 6));
    }

    /** Both implementations give the same outputs, gradients and parameters after 3 steps, and survive saving. */
    private static void assertSameNetworks(ModelFamily family, Map<String, Object> hp, InputShape shape) throws IOException {
        MultiLayerNetwork dl4j = net(family, hp, shape, "-relu");
        MultiLayerNetwork fast = net(family, hp, shape, "on");
        assertTrue(activations(fast).stream().anyMatch(a -> a instanceof FastReLU), "the fast net uses FastReLU");
        assertTrue(activations(dl4j).stream().noneMatch(a -> a instanceof FastReLU), "the other does not");
        INDArray x = Nd4j.rand(DataType.FLOAT, 10, shape.features()).subi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 10, 3);
        for (int i = 0; i < 10; i++) y.putScalar(i, i % 3, 1);
        for (LayerEquivalence.Row r : LayerEquivalence.compare(dl4j, fast, x, y, 3, true)) {
            assertEquals(0, r.maxAbsDiff(), 0, family.getClass().getSimpleName() + " " + hp + ": " + r);
        }
        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(fast.getLayerWiseConfigurations().toJson());
        assertTrue(activations(restored).stream().anyMatch(a -> a instanceof FastReLU), "FastReLU survives JSON");
    }

    private static MultiLayerNetwork net(ModelFamily family, Map<String, Object> hp, InputShape shape, String speedups) {
        Hyperparameters h = new Hyperparameters("t", hp);
        family.validate(h, shape);
        MultiLayerConfiguration conf = family.configure(h, shape, 3, 5, 1);
        conf.setDataType(DataType.FLOAT);
        return TestNets.net(conf, speedups);
    }

    private static List<IActivation> activations(MultiLayerNetwork net) {
        return activations(net.getLayerWiseConfigurations());
    }

    /** The activation of every layer that has one: layers with weights, and batch norm's separate activation layers. */
    private static List<IActivation> activations(MultiLayerConfiguration conf) {
        return conf.getConfs().stream().map(c -> c.getLayer())
                .map(l -> l instanceof BaseLayer b ? b.getActivationFn() : l instanceof ActivationLayer a ? a.getActivationFn() : null)
                .filter(a -> a != null).toList();
    }
}
