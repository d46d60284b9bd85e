package dl4jrepro.speedups;

import dl4jrepro.checks.LayerEquivalence;
import dl4jrepro.data.InputShape;
import dl4jrepro.layers.BatchNormLayersTest;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastActivation} trains as DL4J's activation layer of ReLU does: the same ops, without the copies. */
class FastActivationTest {
    @Test
    void sameAsDl4jsActivationLayer() throws IOException {
        InputShape images = new InputShape(2, 8, 8);
        INDArray x = Nd4j.rand(DataType.FLOAT, 10, images.features()).subi(0.5);
        // a CNN with batch norm, so each ReLU is an activation layer after it
        MultiLayerNetwork fast = FastMaxPoolTest.net(images, "relu", "on");
        for (LayerEquivalence.Row r : LayerEquivalence.compare(FastMaxPoolTest.net(images, "relu", "-relu"), fast, x,
                BatchNormLayersTest.oneHot(10, 3).castTo(DataType.FLOAT), 3, true)) {
            assertEquals(0, r.maxAbsDiff(), 0, r.toString());
        }
        List<Long> passes = Arrays.stream(fast.getLayers()).filter(l -> l instanceof FastActivationLayer)
                .map(l -> ((FastActivationLayer) l).passes()).toList();
        assertFalse(passes.isEmpty(), "the net has activation layers of ReLU");
        assertTrue(passes.stream().allMatch(p -> p > 0), "each took the path without copies: " + passes);
    }

    @Test
    void otherActivationsRunDl4jsCode() throws IOException {
        MultiLayerNetwork tanh = FastMaxPoolTest.net(new InputShape(2, 8, 8), "tanh", "on");
        assertTrue(Arrays.stream(tanh.getLayers()).noneMatch(l -> l instanceof FastActivationLayer),
                "only an activation layer of plain ReLU is swapped");
    }
}
