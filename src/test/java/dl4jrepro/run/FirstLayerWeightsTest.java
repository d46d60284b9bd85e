package dl4jrepro.run;

import dl4jrepro.data.InputShape;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Roughness reads 1 for weights that are white noise and near 0 for smooth images, whatever their scale. */
class FirstLayerWeightsTest {
    private static final InputShape CIFAR = new InputShape(3, 32, 32);

    @Test
    void whiteNoiseIsOne() {
        Nd4j.getRandom().setSeed(1);
        INDArray noise = Nd4j.randn(DataType.FLOAT, 3 * 32 * 32, 40).muli(1e-4);
        assertEquals(1.0, FirstLayerWeights.roughness(noise, CIFAR), 0.03);
    }

    @Test
    void smoothImagesAreNearZeroAndHalfNoiseInBetween() {
        int n = 3 * 32 * 32, units = 10;
        float[] smooth = new float[n * units];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    for (int j = 0; j < units; j++) {
                        // unit j: a slow wave, its image row-major per channel as the flattened input is
                        smooth[((c * 32 + y) * 32 + x) * units + j] = (float) Math.sin((x + 2 * y + j) / 6.0);
                    }
                }
            }
        }
        INDArray w = Nd4j.create(smooth, new long[] {n, units}, 'c');
        double smoothRoughness = FirstLayerWeights.roughness(w, CIFAR);
        assertTrue(smoothRoughness < 0.05, "smooth: " + smoothRoughness);
        Nd4j.getRandom().setSeed(2);
        double mixed = FirstLayerWeights.roughness(w.add(Nd4j.randn(DataType.FLOAT, n, units).muli(0.7)), CIFAR);
        assertTrue(mixed > 0.2 && mixed < 0.8, "smooth plus noise: " + mixed);
    }
}
