package dl4jrepro.speedups;

import dl4jrepro.TestNets;
import dl4jrepro.checks.LayerEquivalence;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.CnnFamily;
import dl4jrepro.families.MlpFamily;
import dl4jrepro.layers.BatchNormLayersTest;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FastBatchNorm} computes what DL4J's batch norm computes, in single precision, where oneDNN's helper (and so
 * the faster statistics) is in use.
 */
class FastBatchNormTest {
    static final InputShape IMAGES = new InputShape(2, 8, 8);

    static MultiLayerNetwork cnn(String speedups) {
        Map<String, Object> hp = new HashMap<>(Map.of("blocks", List.of(List.of(4, 6)), "kernel", 3, "padding", "same",
                "downsample", "maxpool", "batchNorm", true, "dropoutConv", 0.0, "dense", List.of(8), "dropoutDense", 0.0,
                "activation", "relu", "weightInit", "xavier"));
        hp.putAll(Map.of("optimizer", "sgd", "lr", 0.1, "lrDecayPerEpoch", 1.0, "batch", 10));
        return built(new CnnFamily().configure(new Hyperparameters("t", hp), IMAGES, 3, 5, 1), speedups);
    }

    static MultiLayerNetwork mlp(String speedups) {
        Map<String, Object> hp = new HashMap<>(Map.of("hidden", List.of(12, 9), "activation", "relu", "weightInit", "xavier",
                "batchNorm", true, "optimizer", "sgd", "lr", 0.1, "lrDecayPerEpoch", 1.0, "batch", 10));
        return built(new MlpFamily().configure(new Hyperparameters("t", hp), new InputShape(1, 1, 7), 3, 5, 1), speedups);
    }

    static MultiLayerNetwork built(MultiLayerConfiguration conf, String speedups) {
        conf.setDataType(DataType.FLOAT);
        return TestNets.net(conf, speedups);
    }

    static void assertSame(MultiLayerNetwork dl4j, MultiLayerNetwork fast, int features) throws IOException {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.FLOAT, 10, features).subi(0.5f).muli(3f).addi(1f);
        INDArray y = BatchNormLayersTest.oneHot(10, 3).castTo(DataType.FLOAT);
        for (LayerEquivalence.Row r : LayerEquivalence.compare(dl4j, fast, x, y, 5, true)) {
            assertEquals(0, r.maxAbsDiff(), 2e-5, r.toString());
        }
        for (var layer : fast.getLayers()) {
            if (layer instanceof FastBatchNormLayer f) {
                assertTrue(f.fastStatisticsSteps() >= 5, "layer " + f.getIndex() + " trained through the faster statistics");
            }
        }
    }

    @Test
    void sameAsDl4jsBatchNormAfterConvolutions() throws IOException {
        assertSame(cnn("-batchnorm"), cnn("on"), IMAGES.features());
    }

    @Test
    void sameAsDl4jsBatchNormInAnMlp() throws IOException {
        assertSame(mlp("-batchnorm"), mlp("on"), 7);
    }

    @Test
    void statisticsMatchADoublePrecisionReferenceFarFromZero() {
        Nd4j.getRandom().setSeed(3);
        // Mean 1000, sd about 0.3: E[x²] − E[x]² in float would have no correct digits left.
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 5, 7, 9).addi(1000f);
        assertTrue(BatchStatistics.supports(x));
        double[] mu = new double[5], sigma2 = new double[5];
        BatchStatistics.compute(JavaArrays.read(x, null), 6, 5, 7 * 9, mu, sigma2);
        // As the batch-norm helper hands them to the layer: single precision
        INDArray mean = Nd4j.createFromArray(mu).castTo(DataType.FLOAT), var = Nd4j.createFromArray(sigma2).castTo(DataType.FLOAT);
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray refMean = xd.mean(0, 2, 3);
        INDArray refVar = xd.sub(refMean.reshape(1, 5, 1, 1).broadcast(6, 5, 7, 9)).muli(xd.sub(refMean.reshape(1, 5, 1, 1)
                .broadcast(6, 5, 7, 9))).mean(0, 2, 3);
        assertEquals(0, refMean.castTo(DataType.FLOAT).sub(mean).amaxNumber().doubleValue(), 1e-4);
        assertEquals(0, refVar.castTo(DataType.FLOAT).sub(var).amaxNumber().doubleValue() / refVar.amaxNumber().doubleValue(), 1e-3);
        assertTrue(var.minNumber().doubleValue() > 0.05, "sd of U(0,1) data is 0.29: " + var);
    }
}
