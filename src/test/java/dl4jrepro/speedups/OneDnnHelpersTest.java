package dl4jrepro.speedups;

import dl4jrepro.backend.OneDnn;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.CnnFamily;
import dl4jrepro.families.CnnFamilyTest;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** oneDNN's layers are available in this build, switched on per network, and compute what DL4J's own layers compute. */
class OneDnnHelpersTest {

    private static MultiLayerNetwork net(boolean oneDnn) {
        Map<String, Object> m = CnnFamilyTest.reportModelForTests();
        m.put("blocks", List.of(List.of(4, 6)));
        m.put("dense", List.of(16));
        m.put("dropoutConv", 0.0);
        m.put("dropoutDense", 0.0);
        return OneDnnHelpers.network(new CnnFamily()
                .configure(new Hyperparameters("t", m), new InputShape(1, 28, 28), 10, 5, 10), oneDnn);
    }

    @Test
    void convolutionLayersRunOnOneDnnAndAgreeWithDl4jsOwn() {
        assertTrue(OneDnn.available(), "the default build loads nd4j-native's oneDNN build");
        MultiLayerNetwork fast = net(true), plain = net(false);
        assertNotNull(((ConvolutionLayer) fast.getLayer(0)).getHelper(), "oneDNN helper in use");
        assertNull(((ConvolutionLayer) plain.getLayer(0)).getHelper(), "DL4J's im2col path");
        plain.setParams(fast.params().dup());
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 784).subi(0.5f).muli(2);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 10);
        for (int i = 0; i < 16; i++) y.putScalar(i, i % 10, 1f);
        INDArray outFast = fast.output(x, false), outPlain = plain.output(x, false);
        assertEquals(0, outFast.sub(outPlain).amaxNumber().doubleValue(), 1e-5, "same forward pass");
        fast.setInput(x);
        fast.setLabels(y);
        plain.setInput(x);
        plain.setLabels(y);
        fast.computeGradientAndScore();
        plain.computeGradientAndScore();
        assertEquals(plain.score(), fast.score(), 1e-5);
        INDArray gFast = fast.gradient().gradient(), gPlain = plain.gradient().gradient();
        double scale = gPlain.amaxNumber().doubleValue();
        assertEquals(0, gFast.sub(gPlain).amaxNumber().doubleValue() / scale, 1e-3, "same gradients, to float precision");
    }
}
