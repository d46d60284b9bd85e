package dl4jrepro.speedups;

import dl4jrepro.TestNets;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.base.Substitution;
import dl4jrepro.base.UserError;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.CnnFamily;
import dl4jrepro.families.CnnFamilyTest;
import dl4jrepro.families.MlpFamily;
import dl4jrepro.families.MlpFamilyTest;
import dl4jrepro.families.TorchAdadelta;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one speed-up pass: what it swaps in, on which backend, under which setting, and what it says it swapped. */
class SpeedupsTest {
    static final InputShape MNIST = new InputShape(1, 28, 28);

    /** Report 003's MNIST CNN (conv, batch norm, ReLU, 2×2 max pooling, dropout, dense, Adam), smaller. */
    static MultiLayerConfiguration cnn() {
        return cnn(Map.of());
    }

    /** The same with {@code settings} in place of the report's (optimizer, l2, ...). */
    static MultiLayerConfiguration cnn(Map<String, Object> settings) {
        Map<String, Object> m = CnnFamilyTest.reportModelForTests();
        m.put("blocks", List.of(List.of(4, 6)));
        m.put("dense", List.of(16));
        m.putAll(settings);
        return new CnnFamily().configure(new Hyperparameters("t", m), MNIST, 10, 5, 10);
    }

    /** A dense regression net of report 003's kind: SELU then sigmoid, Adam; no batch norm or dropout. */
    static MultiLayerConfiguration regression() {
        Map<String, Object> m = MlpFamilyTest.twoLayer();
        m.putAll(Map.of("hidden", List.of(16, 8), "activations", List.of("selu", "sigmoid"), "output", "linear",
                "weightInit", "lecun", "batch", 10));
        return new MlpFamily().configure(new Hyperparameters("t", m), new InputShape(1, 1, 1), 1, 5, 10);
    }

    static List<String> kinds(Speedups.Prepared p) {
        return p.substitutions().stream().map(Substitution::kind).toList();
    }

    static Speedups.Prepared prepare(MultiLayerConfiguration conf, BackendInfo backend, String setting) {
        return Speedups.prepare(conf, backend, SpeedupSetting.parse(setting, "test"));
    }

    @Test
    void onTheCpuEveryLayerOfTheCnnIsSwappedAndEachSwapIsListedWithItsLayers() {
        MultiLayerConfiguration plain = cnn();
        String before = plain.toJson();
        Speedups.Prepared p = prepare(plain, TestNets.CPU, "on");
        assertEquals(List.of("onednn", "conv", "pool", "batchnorm", "dense", "relu", "adam", "update"), kinds(p));
        Substitution conv = p.substitutions().get(1);
        assertEquals(new Substitution("conv", "ConvolutionLayer", "FastConv", List.of(0, 3)), conv);
        assertEquals("FastConv for ConvolutionLayer (layers 0, 3)", conv.describe());
        assertInstanceOf(FastConvLayer.class, p.net().getLayer(0));
        assertInstanceOf(FastMaxPoolLayer.class, p.net().getLayer(6));
        assertInstanceOf(FastBatchNormLayer.class, p.net().getLayer(1));
        assertNotNull(((ConvolutionLayer) p.net().getLayer(0)).getHelper(), "oneDNN's helper in use");
        assertEquals(before, plain.toJson(), "the family's configuration is left as it was");
        assertEquals(List.of(), MlpFamilyTest.classesOfOurs(p.plain()));
    }

    @Test
    void onAnyOtherBackendNothingIsSwapped() {
        Speedups.Prepared p = prepare(cnn(), TestNets.GPU, "on");
        assertEquals(List.of(), p.substitutions());
        assertEquals(List.of(), MlpFamilyTest.classesOfOurs(p.net().getLayerWiseConfigurations()));
        assertNull(((ConvolutionLayer) p.net().getLayer(0)).getHelper(), "no oneDNN helper either");
        assertEquals("DL4J layers (no substitutions)", Substitution.describe(p.substitutions()));
    }

    @Test
    void offIsDl4jsOwnCodeThroughout() {
        Speedups.Prepared p = prepare(cnn(), TestNets.CPU, "off");
        assertEquals(List.of(), p.substitutions());
        assertEquals(List.of(), MlpFamilyTest.classesOfOurs(p.net().getLayerWiseConfigurations()));
        assertNull(((ConvolutionLayer) p.net().getLayer(0)).getHelper(), "DL4J's built-in convolution");
    }

    @Test
    void aSettingLeavesOutExactlyWhatItNames() {
        Speedups.Prepared p = prepare(cnn(), TestNets.CPU, "-pool,-adam");
        assertEquals(List.of("onednn", "conv", "batchnorm", "dense", "relu"), kinds(p));
        assertEquals(org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer.class,
                p.net().getLayer(6).getClass());
        // Batch norm's faster passes take over from oneDNN's helper: without the helper there is nothing to take over.
        assertEquals(List.of("conv", "pool"), kinds(prepare(cnn(), TestNets.CPU, "conv,pool,batchnorm")));
    }

    @Test
    void theTrainingStepIsSwappedForDenseNetsAndTheUpdateFusedForOthers() {
        Speedups.Prepared dense = prepare(regression(), TestNets.CPU, "on");
        assertEquals(List.of("dense", "adam", "l2", "step"), kinds(dense));
        assertEquals("DenseStep for MultiLayerNetwork.fit", dense.substitutions().get(3).describe());
        Speedups.Prepared cnn = prepare(cnn(), TestNets.CPU, "on");
        assertTrue(kinds(cnn).stream().noneMatch("step"::equals));
        assertInstanceOf(FusedUpdateStep.class, cnn.step());
        // without DenseStep a dense net's fit keeps its forward and backward passes, with the update fused
        assertEquals(List.of("dense", "adam", "l2", "update"), kinds(prepare(regression(), TestNets.CPU, "-step")));
        assertEquals(List.of("dense", "adam", "l2"), kinds(prepare(regression(), TestNets.CPU, "-step,-update")));
    }

    @Test
    void report004sAdadeltaIsSwappedWithItsLearningRate() {
        Map<String, Object> m = MlpFamilyTest.twoLayer();
        m.putAll(Map.of("hidden", List.of(6, 4), "optimizer", "adadelta", "lr", 0.02, "rho", 0.9, "adadeltaEpsilon", 1e-6));
        MultiLayerConfiguration conf = new MlpFamily().configure(new Hyperparameters("t", m), new InputShape(1, 1, 5), 3, 5, 1);
        Speedups.Prepared p = prepare(conf, TestNets.CPU, "on");
        assertEquals(List.of("dense", "relu", "adadelta", "l2", "step"), kinds(p));
        for (int i = 0; i < 3; i++) {
            IUpdater plain = conf.getConf(i).getLayer().getUpdaterByParam("W");
            IUpdater fast = p.net().getLayer(i).conf().getLayer().getUpdaterByParam("W");
            assertInstanceOf(FastAdadelta.class, fast);
            assertEquals(plain.getLearningRate(0, 0), fast.getLearningRate(0, 0), "layer " + i);
            assertEquals(plain.getLearningRate(5000, 3), fast.getLearningRate(5000, 3), "layer " + i);
            assertEquals(((TorchAdadelta) plain).getRho(), ((FastAdadelta) fast).getRho());
            assertInstanceOf(FastAdadelta.class, p.net().getLayer(i).conf().getLayer().getUpdaterByParam("b"));
        }
        assertEquals(List.of("dense", "relu", "l2", "step"), kinds(prepare(conf, TestNets.CPU, "-adadelta")));
    }

    @Test
    void adamIsSwappedInSameDiffLayersToo() {
        Map<String, Object> m = MlpFamilyTest.twoLayer();
        m.putAll(Map.of("hidden", List.of(6, 4), "batchNorm", true, "batchNormLayer", "samediff"));
        MultiLayerConfiguration conf = new MlpFamily().configure(new Hyperparameters("t", m), new InputShape(1, 1, 5), 3, 5, 1);
        Speedups.Prepared p = prepare(conf, TestNets.CPU, "on");
        Substitution adam = p.substitutions().stream().filter(s -> s.kind().equals("adam")).findFirst().orElseThrow();
        assertEquals(List.of(0, 1, 3, 4, 6), adam.layers(), "dense layers, the SameDiff batch norms, the output");
    }

    @Test
    void inDoublePrecisionPoolingAndBatchNormStayDl4js() {
        MultiLayerConfiguration conf = cnn();
        conf.setDataType(DataType.DOUBLE);
        assertEquals(List.of("onednn", "conv", "dense", "relu", "adam"), kinds(prepare(conf, TestNets.CPU, "on")));
    }

    @Test
    void thePlainNetworkHoldsTheTrainedWeightsInDl4jsOwnClasses(@TempDir Path tmp) throws IOException {
        Speedups.Prepared p = prepare(cnn(), TestNets.CPU, "on");
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, MNIST.features());
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 10);
        for (int i = 0; i < 8; i++) y.putScalar(i, i % 10, 1f);
        for (int i = 0; i < 3; i++) p.step().fit(x, y);
        Path file = tmp.resolve("model.zip");
        ModelSerializer.writeModel(p.plainNetwork(), file.toFile(), false);
        MultiLayerNetwork loaded = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), false);
        assertEquals(List.of(), MlpFamilyTest.classesOfOurs(loaded.getLayerWiseConfigurations()));
        assertEquals(0, loaded.params().sub(p.net().params()).amaxNumber().doubleValue(), 0, "the trained weights");
        assertEquals(0, loaded.output(x, false).sub(p.net().output(x, false)).amaxNumber().doubleValue(), 1e-5,
                "the same predictions");
    }

    @Test
    void settingsAreParsedStrictly() {
        assertEquals("on", SpeedupSetting.parse("on", "--speedups").toString());
        assertEquals("off", SpeedupSetting.parse(" off ", "--speedups").toString());
        assertEquals("pool,adam", SpeedupSetting.parse("adam, pool", "--speedups").toString());
        assertEquals("onednn,conv,batchnorm,dense,relu,adam,adadelta,l2,step,update", SpeedupSetting.parse("-pool", "--speedups").toString());
        for (String bad : List.of("fast", "pool,-adam", "", "pool,,adam")) {
            UserError e = assertThrows(UserError.class, () -> SpeedupSetting.parse(bad, "--speedups"));
            assertTrue(e.getMessage().startsWith("--speedups " + bad + ": "), e.getMessage());
        }
    }
}
