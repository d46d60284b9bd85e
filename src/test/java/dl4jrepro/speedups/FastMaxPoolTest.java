package dl4jrepro.speedups;

import dl4jrepro.TestNets;
import dl4jrepro.checks.LayerEquivalence;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.CnnFamily;
import dl4jrepro.layers.BatchNormLayersTest;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastMaxPool} computes what DL4J's max pooling (oneDNN's in single precision) computes. */
class FastMaxPoolTest {
    static MultiLayerNetwork net(InputShape images, String activation, String speedups) {
        Map<String, Object> hp = new HashMap<>(Map.of("blocks", List.of(List.of(4), List.of(6)), "kernel", 3,
                "padding", "same", "downsample", "maxpool", "batchNorm", true, "dropoutConv", 0.0, "dense", List.of(8),
                "dropoutDense", 0.0, "activation", activation, "weightInit", "xavier"));
        hp.putAll(Map.of("optimizer", "sgd", "lr", 0.1, "lrDecayPerEpoch", 1.0, "batch", 10));
        MultiLayerConfiguration conf = new CnnFamily().configure(new Hyperparameters("t", hp), images, 3, 5, 1);
        conf.setDataType(DataType.FLOAT);
        return TestNets.net(conf, speedups);
    }

    /** Outputs, gradients and parameters after 3 steps of both nets; returns the loops' passes per pooling layer. */
    static List<Long> assertSameAsDl4j(InputShape images, String activation) throws IOException {
        INDArray x = Nd4j.rand(DataType.FLOAT, 10, images.features()).subi(0.5);
        MultiLayerNetwork fast = net(images, activation, "on");
        for (LayerEquivalence.Row r : LayerEquivalence.compare(net(images, activation, "-pool"), fast, x,
                BatchNormLayersTest.oneHot(10, 3).castTo(DataType.FLOAT), 3, true)) {
            assertEquals(0, r.maxAbsDiff(), 1e-6, r.toString());
        }
        return Arrays.stream(fast.getLayers()).filter(l -> l instanceof FastMaxPoolLayer)
                .map(l -> ((FastMaxPoolLayer) l).loopPasses()).toList();
    }

    @Test
    void sameAsDl4jsMaxPoolingAfterRelu() throws IOException {
        // ReLU outputs hold many zeros: windows with tied maxima, whose gradient the ReLU below then discards
        assertTrue(assertSameAsDl4j(new InputShape(2, 8, 8), "relu").stream().allMatch(p -> p > 0), "the loops pooled");
    }

    @Test
    void sameAsDl4jsMaxPoolingAfterTanh() throws IOException {
        assertTrue(assertSameAsDl4j(new InputShape(2, 8, 8), "tanh").stream().allMatch(p -> p > 0), "the loops pooled");
    }

    @Test
    void oddSizesKeepDl4jsPooling() throws IOException {
        // 6×6 → 3×3: the second pooling sees an odd size, which the loops leave to DL4J; the first is still theirs
        List<Long> passes = assertSameAsDl4j(new InputShape(1, 6, 6), "tanh");
        assertTrue(passes.get(0) > 0 && passes.get(1) == 0, "loop passes per pooling layer: " + passes);
    }
}
