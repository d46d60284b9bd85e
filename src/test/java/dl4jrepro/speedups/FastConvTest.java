package dl4jrepro.speedups;

import dl4jrepro.TestNets;
import dl4jrepro.checks.DoublePrecision;
import dl4jrepro.checks.LayerEquivalence;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.CnnFamily;
import dl4jrepro.layers.BatchNormLayersTest;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FastConv} computes what DL4J's ConvolutionLayer computes, with and without batch norm after it. The tests that
 * check which kernel a shape ran fix the kernels by {@link ConvBackwardKernels}' rule (the default, set here in case
 * the JVM was given another); one trains with timed kernels.
 */
@ExtendWith(DoublePrecision.class)
class FastConvTest {
    @BeforeAll
    static void kernelsByRule() {
        System.setProperty(ConvBackwardKernels.PROPERTY, "rule");
    }

    @AfterAll
    static void kernelsTimedAgain() {
        System.clearProperty(ConvBackwardKernels.PROPERTY);
    }

    static final InputShape IMAGES = new InputShape(2, 8, 8);
    final INDArray x = Nd4j.rand(DataType.DOUBLE, 10, IMAGES.features()).subi(0.5);
    final INDArray y = BatchNormLayersTest.oneHot(10, 3);

    static MultiLayerNetwork net(boolean batchNorm, String speedups) {
        return net(batchNorm, speedups, DataType.DOUBLE);
    }

    static MultiLayerNetwork net(boolean batchNorm, String speedups, DataType type) {
        return net(batchNorm, speedups, type, IMAGES);
    }

    static MultiLayerNetwork net(boolean batchNorm, String speedups, DataType type, InputShape images) {
        return net(batchNorm, speedups, type, images, List.of(4, 6));
    }

    static MultiLayerNetwork net(boolean batchNorm, String speedups, DataType type, InputShape images, List<Integer> block) {
        return TestNets.net(conf(batchNorm, type, images, block), speedups);
    }

    static MultiLayerConfiguration conf(boolean batchNorm, DataType type, InputShape images, List<Integer> block) {
        Map<String, Object> hp = new HashMap<>(Map.of("blocks", List.of(block), "kernel", 3, "padding", "same",
                "downsample", "maxpool", "batchNorm", batchNorm, "dropoutConv", 0.0, "dense", List.of(8), "dropoutDense", 0.0,
                "activation", "tanh", "weightInit", "xavier"));
        hp.putAll(Map.of("optimizer", "sgd", "lr", 0.1, "lrDecayPerEpoch", 1.0, "batch", 10));
        MultiLayerConfiguration conf = new CnnFamily().configure(new Hyperparameters("t", hp), images, 3, 5, 1);
        conf.setDataType(type);
        return conf;
    }

    @Test
    void sameAsDl4jsConvolutionWithBatchNormAfterIt() throws IOException {
        MultiLayerNetwork fast = net(true, "on");
        for (LayerEquivalence.Row r : LayerEquivalence.compare(net(true, "-conv"), fast, x, y, 3, true)) {
            assertEquals(0, r.maxAbsDiff(), 1e-12, r.toString());
        }
        assertTrue(fast.getLayer(0) instanceof FastConvLayer);
        assertTrue(((FastConvLayer) fast.getLayer(0)).skippedForwardPasses() > 0, "the wasted convolution was skipped");
    }

    /**
     * In single precision on maps over 4×4 with few channels, where the layers run on oneDNN's helpers (enabled in tests
     * as in runs), the same numbers.
     */
    @Test
    void sameAsDl4jsConvolutionInSinglePrecision() throws IOException {
        InputShape larger = new InputShape(2, 10, 10);
        MultiLayerNetwork fast = net(true, "on", DataType.FLOAT, larger);
        INDArray xf = Nd4j.rand(DataType.FLOAT, 10, larger.features()).subi(0.5f), yf = y.castTo(DataType.FLOAT);
        for (LayerEquivalence.Row r : LayerEquivalence.compare(net(true, "-conv", DataType.FLOAT, larger), fast, xf, yf, 3, true)) {
            assertEquals(0, r.maxAbsDiff(), 1e-6, r.toString());
        }
        assertTrue(((FastConvLayer) fast.getLayer(0)).skippedForwardPasses() > 0);
        for (int i : new int[] {0, 3}) {
            assertEquals(0, ((FastConvLayer) fast.getLayer(i)).ownBackwardPasses(), "10x10 maps keep DL4J's kernel");
        }
    }

    /**
     * On maps of 4×4 and 2×2, whose backward pass runs {@link DnnlConvolution} (javacpp's oneDNN; {@link
     * Im2colConvolution} where it does not load) instead of DL4J's, the same numbers too.
     */
    @Test
    void sameAsDl4jsConvolutionOnSmallMapsInSinglePrecision() throws IOException {
        for (int side : new int[] {4, 2}) {
            InputShape small = new InputShape(2, side, side);
            INDArray xs = Nd4j.rand(DataType.FLOAT, 10, small.features()).subi(0.5f), yf = y.castTo(DataType.FLOAT);
            MultiLayerNetwork fast = net(true, "on", DataType.FLOAT, small);
            for (LayerEquivalence.Row r : LayerEquivalence.compare(net(true, "-conv", DataType.FLOAT, small), fast, xs, yf, 3, true)) {
                assertEquals(0, r.maxAbsDiff(), FLOAT_KERNELS, side + "x" + side + ": " + r);
            }
            FastConvLayer first = (FastConvLayer) fast.getLayer(0);
            assertTrue(first.ownBackwardPasses() > 0, side + "x" + side + " maps ran a kernel of this project's");
            assertEquals(DnnlConvolution.available(), first.ownForwardPasses() > 0, "the forward pass by javacpp's oneDNN");
            assertEquals(DnnlConvolution.available() ? ConvBackwardKernels.Kernel.DNNL : ConvBackwardKernels.Kernel.IM2COL,
                    first.backwardChoice().kernel());
        }
    }

    /** With 256 input channels on 8×8 maps, and an activation of its own (tanh, so z is needed), the same numbers. */
    @Test
    void sameAsDl4jsConvolutionOnWideInputsWithItsOwnActivationInSinglePrecision() throws IOException {
        INDArray xf = x.castTo(DataType.FLOAT), yf = y.castTo(DataType.FLOAT);
        MultiLayerNetwork fast = net(false, "on", DataType.FLOAT, IMAGES, List.of(256, 6));
        for (LayerEquivalence.Row r : LayerEquivalence.compare(net(false, "-conv", DataType.FLOAT, IMAGES, List.of(256, 6)), fast,
                xf, yf, 3, true)) {
            assertEquals(0, r.maxAbsDiff(), FLOAT_KERNELS, r.toString());
        }
        assertEquals(0, ((FastConvLayer) fast.getLayer(0)).ownBackwardPasses(), "2 input channels on 8x8 keep DL4J's kernel");
        assertEquals(ConvBackwardKernels.Kernel.DNNL, ((FastConvLayer) fast.getLayer(1)).backwardChoice().kernel(),
                "256 input channels ran javacpp's oneDNN");
    }

    /**
     * The first layer as training prepares it, without the input gradient nothing reads: on 10×10 maps, where it would
     * otherwise keep DL4J's kernel, javacpp's oneDNN (im2col where it does not load) computes its weight and bias
     * gradients alone. The gradients
     * and three steps of training are DL4J's, and the network hands on no input gradient.
     */
    @Test
    void aFirstLayerWithoutInputGradientTrainsTheSame() {
        InputShape larger = new InputShape(2, 10, 10);
        INDArray xf = Nd4j.rand(DataType.FLOAT, 10, larger.features()).subi(0.5f), yf = y.castTo(DataType.FLOAT);
        MultiLayerConfiguration conf = conf(true, DataType.FLOAT, larger, List.of(4, 6));
        MultiLayerNetwork dl4j = TestNets.net(conf, "-conv");
        MultiLayerNetwork fast = Speedups.prepare(conf, TestNets.CPU, SpeedupSetting.parse("on", "test")).net();
        fast.setParams(dl4j.params().dup());
        MultiLayerConfiguration saved = MultiLayerConfiguration.fromJson(fast.getLayerWiseConfigurations().toJson());
        assertEquals(fast.getLayerWiseConfigurations(), saved, "the setting and the input's reshape survive JSON");
        assertFalse(((FastConv) saved.getConf(0).getLayer()).isInputGradient());
        var computed = fast.calculateGradients(xf, yf, null, null);
        assertNull(computed.getSecond(), "no input gradient computed");
        INDArray expected = dl4j.calculateGradients(xf, yf, null, null).getFirst().gradient();
        assertEquals(0, expected.sub(computed.getFirst().gradient()).amaxNumber().doubleValue(), FLOAT_KERNELS);
        FastConvLayer first = (FastConvLayer) fast.getLayer(0), second = (FastConvLayer) fast.getLayer(3);
        assertEquals(DnnlConvolution.available() ? ConvBackwardKernels.Kernel.DNNL : ConvBackwardKernels.Kernel.IM2COL,
                first.backwardChoice().kernel(), "the first layer without the input gradient");
        assertEquals(0, second.ownBackwardPasses(), "the layer above keeps DL4J's kernel and its input gradient");
        for (int i = 0; i < 3; i++) {
            dl4j.fit(xf, yf);
            fast.fit(xf, yf);
        }
        assertEquals(0, dl4j.params().sub(fast.params()).amaxNumber().doubleValue(), FLOAT_KERNELS);
    }

    /**
     * With the kernels timed ({@code -Drepro.convBackward=timed}): each layer's backward pass ran the kernel its
     * shape's timing chose, the gradients and three steps of training are DL4J's, and a second network of the same
     * shapes reuses the choices rather than timing again.
     */
    @Test
    void timedKernelsTrainTheSameAndAreChosenOncePerShape() {
        ConvBackwardKernelsTest.underPolicy("timed", () -> {
            InputShape larger = new InputShape(2, 10, 10);
            INDArray xf = Nd4j.rand(DataType.FLOAT, 10, larger.features()).subi(0.5f), yf = y.castTo(DataType.FLOAT);
            MultiLayerConfiguration conf = conf(true, DataType.FLOAT, larger, List.of(4, 6));
            MultiLayerNetwork dl4j = TestNets.net(conf, "-conv");
            Speedups.Prepared prepared = Speedups.prepare(conf, TestNets.CPU, SpeedupSetting.parse("on", "test"));
            MultiLayerNetwork fast = prepared.net();
            fast.setParams(dl4j.params().dup());
            for (int i = 0; i < 3; i++) {
                dl4j.fit(xf, yf);
                fast.fit(xf, yf);
            }
            assertEquals(0, dl4j.params().sub(fast.params()).amaxNumber().doubleValue(), FLOAT_KERNELS);
            Map<String, String> kernels = prepared.convBackwardKernels();
            assertEquals(List.of("0", "3"), List.copyOf(kernels.keySet()), "both convolution layers ran backward");
            kernels.values().forEach(k -> assertTrue(k.contains("(timed: ") && k.contains("oneDNN 2."), k));
            for (int i : new int[] {0, 3}) {
                FastConvLayer layer = (FastConvLayer) fast.getLayer(i);
                assertEquals(layer.backwardChoice().kernel() != ConvBackwardKernels.Kernel.DL4J ? 3 : 0,
                        layer.ownBackwardPasses(), "the counted passes follow the choice");
            }
            MultiLayerNetwork again = Speedups.prepare(conf, TestNets.CPU, SpeedupSetting.parse("on", "test")).net();
            again.fit(xf, yf);
            for (int i : new int[] {0, 3}) {
                assertSame(((FastConvLayer) fast.getLayer(i)).backwardChoice(), ((FastConvLayer) again.getLayer(i)).backwardChoice(),
                        "layer " + i + ": the process's choice for its shape, not a second timing");
            }
        });
    }

    /**
     * Two float32 kernels summing in different orders (im2col and a GEMM against oneDNN's blocks): a gradient entry sums
     * some 10^3 products, so they may part by about 1e-5 of its size, against 1e-1 for a wrong one.
     */
    static final double FLOAT_KERNELS = 2e-5;

    @Test
    void sameAsDl4jsConvolutionWithItsOwnActivation() throws IOException {
        MultiLayerNetwork fast = net(false, "on");
        for (LayerEquivalence.Row r : LayerEquivalence.compare(net(false, "-conv"), fast, x, y, 3, true)) {
            assertEquals(0, r.maxAbsDiff(), 1e-12, r.toString());
        }
        assertEquals(0, ((FastConvLayer) fast.getLayer(0)).skippedForwardPasses(), "tanh needs z: DL4J's own path");
    }
}
