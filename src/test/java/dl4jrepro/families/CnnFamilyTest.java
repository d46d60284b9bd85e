package dl4jrepro.families;

import dl4jrepro.base.UserError;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.data.InputShape;
import dl4jrepro.data.PreparedData;
import dl4jrepro.spec.ExperimentSpec.DataSpec;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.train.ProgressLine;
import dl4jrepro.train.Trainer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class CnnFamilyTest {
    static final InputShape MNIST = new InputShape(1, 28, 28);
    final CnnFamily family = new CnnFamily();

    /** The headline model of report 003 as its spec gives it. */
    static Map<String, Object> reportModel() {
        ExperimentSpec spec = new SpecCatalog(Path.of("experiments")).load("mnist-cnn-003");
        return new HashMap<>(spec.hyperparameters());
    }

    /** For other packages' tests. */
    public static Map<String, Object> reportModelForTests() {
        return reportModel();
    }

    private List<Class<?>> layerTypes(MultiLayerConfiguration conf) {
        List<Class<?>> types = new ArrayList<>();
        for (var c : conf.getConfs()) types.add(c.getLayer().getClass());
        return types;
    }

    @Test
    void buildsReport003sStack() {
        Hyperparameters hp = new Hyperparameters("t", reportModel());
        family.validate(hp, MNIST);
        MultiLayerConfiguration conf = family.configure(hp, MNIST, 10, 1, 750);
        assertEquals(List.of(ConvolutionLayer.class, BatchNormalization.class, ActivationLayer.class,
                ConvolutionLayer.class, BatchNormalization.class, ActivationLayer.class, SubsamplingLayer.class,
                DropoutLayer.class, DenseLayer.class, BatchNormalization.class, ActivationLayer.class, DropoutLayer.class,
                OutputLayer.class), layerTypes(conf));
        ConvolutionLayer conv1 = (ConvolutionLayer) conf.getConf(0).getLayer();
        ConvolutionLayer conv2 = (ConvolutionLayer) conf.getConf(3).getLayer();
        assertEquals(32, conv1.getNOut());
        assertEquals(64, conv2.getNOut());
        assertArrayEquals(new int[] {5, 5}, conv2.getKernelSize());
        assertEquals(64L * 10 * 10, ((DenseLayer) conf.getConf(8).getLayer()).getNIn(), "28 → 24 → 20 → pool 10");
        assertEquals(512, ((DenseLayer) conf.getConf(8).getLayer()).getNOut());
        // DL4J's DropoutLayer takes the probability of keeping a unit.
        assertEquals(0.75, ((Dropout) conf.getConf(7).getLayer().getIDropout()).getP(), 1e-12);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        long convs = (25 * 32 + 32) + (25 * 32 * 64 + 64), bn = 4 * (32 + 64 + 512);
        long dense = 6400L * 512 + 512 + 512 * 10 + 10;
        assertEquals(convs + bn + dense, net.numParams(), "≈ 3 M parameters, as the report says");
        assertTrue(net.numParams() > 3_000_000 && net.numParams() < 3_500_000);
    }

    @Test
    void stride2ReplacesPoolingAndNoBatchNormMeansActivationsInTheLayers() {
        Map<String, Object> m = reportModel();
        m.put("downsample", "stride2");
        m.put("batchNorm", false);
        m.put("dropoutConv", 0.0);
        m.put("blocks", List.of(List.of(16), List.of(32, 32)));
        Hyperparameters hp = new Hyperparameters("t", m);
        family.validate(hp, MNIST);
        MultiLayerConfiguration conf = family.configure(hp, MNIST, 10, 1, 10);
        assertEquals(List.of(ConvolutionLayer.class, ConvolutionLayer.class, ConvolutionLayer.class, DenseLayer.class,
                DropoutLayer.class, OutputLayer.class), layerTypes(conf));
        int[] strides = conf.getConfs().stream().map(c -> c.getLayer()).filter(l -> l instanceof ConvolutionLayer)
                .mapToInt(l -> ((ConvolutionLayer) l).getStride()[0]).toArray();
        assertArrayEquals(new int[] {2, 1, 2}, strides, "the last convolution of each block moves by 2");
        Layer dense = conf.getConf(3).getLayer();
        assertEquals("relu", ((DenseLayer) dense).getActivationFn().toString());
        // 28 → (5×5, stride 2) 12 → 8 → (stride 2) 2: 2 × 2 × 32 inputs to the dense layer.
        assertEquals(2 * 2 * 32, ((DenseLayer) dense).getNIn());
    }

    @Test
    void buildsThePlainDl4jConfigurationADl4jUserWouldWrite() {
        MultiLayerConfiguration conf = family.configure(new Hyperparameters("t", reportModel()), MNIST, 10, 1, 750);
        assertEquals(List.of(), MlpFamilyTest.classesOfOurs(conf), "layers, activations and updaters are DL4J's own");
    }

    @Test
    void rejectsStacksThatDoNotFitOrMakeNoSense() {
        Map<String, Object> m = reportModel();
        m.put("blocks", List.of(List.of(32, 64), List.of(64, 64), List.of(128)));
        UserError e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", m), MNIST));
        assertTrue(e.getMessage().contains("below 1×1"), e.getMessage());
        m.put("padding", "same");
        family.validate(new Hyperparameters("t", m), MNIST);   // with padding the same stack fits

        Map<String, Object> bad = reportModel();
        bad.put("dropoutConv", 1.0);
        assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", bad), MNIST));
        bad.put("dropoutConv", 0.25);
        bad.put("padding", "full");
        assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", bad), MNIST));
        bad.put("padding", "valid");
        bad.put("blocks", List.of(List.of()));
        assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", bad), MNIST));
        e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", reportModel()),
                new InputShape(1, 1, 400)));
        assertTrue(e.getMessage().contains("pca"), e.getMessage());
    }

    @Test
    void aSmallCnnLearnsAFewHundredDigits() {
        DatasetRepository repo = new DatasetRepository(DataLocations.resolve(null));
        PreparedData data = repo.prepare(new DataSpec("mnist", 600, 0, "last", 500, "scale-01-normalize", null,
                new ExperimentSpec.Normalize(List.of(0.1307), List.of(0.3081)), null), 1);
        Map<String, Object> m = reportModel();
        m.put("blocks", List.of(List.of(8)));
        m.put("dense", List.of(32));
        m.put("batch", 32);
        Hyperparameters hp = new Hyperparameters("t", m);
        family.validate(hp, MNIST);
        MultiLayerNetwork net = new MultiLayerNetwork(family.configure(hp, MNIST, 10, 3, 19));
        net.init();
        Trainer.Outcome out = Trainer.train(net, data, new ExperimentSpec.Budget(4, null, null, "last-batch", null, null, null),
                32, 3, new ProgressLine(new PrintStream(new ByteArrayOutputStream()), "t"));
        assertEquals("completed", out.status());
        double testAcc = out.curve().get(out.curve().size() - 1).testAcc();
        assertTrue(testAcc > 0.75, "600 digits, 4 epochs: far above the 0.1 of chance, got " + testAcc);
    }
}
