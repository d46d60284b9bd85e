package dl4jrepro.speedups;

import dl4jrepro.data.InputShape;
import dl4jrepro.families.MlpFamily;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DenseStepTest {
    static final InputShape ONE = new InputShape(1, 1, 1);

    /**
     * Report 003's regression net as its final stage trains it (1-16-64-1, SELU then sigmoid, Adam, weight decay on
     * weights and biases), at a larger learning rate so 120 steps move it far.
     */
    static Map<String, Object> regression() {
        Map<String, Object> m = new LinkedHashMap<>(
                new SpecCatalog(Path.of("experiments")).load("regression-selu-003-final").hyperparameters());
        m.put("lr", 1e-2);
        return m;
    }

    static MultiLayerNetwork net(Map<String, Object> hp, InputShape shape, int outputs) {
        return net(hp, shape, outputs, conf -> { });
    }

    /** The family's net for {@code hp}, with {@code edit} made to its configuration (a setting no spec gives). */
    static MultiLayerNetwork net(Map<String, Object> hp, InputShape shape, int outputs,
                                 Consumer<MultiLayerConfiguration> edit) {
        MultiLayerConfiguration conf = new MlpFamily().configure(new Hyperparameters("t", hp), shape, outputs, 7, 2);
        edit.accept(conf);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * Trains two copies of the net, one with DL4J's fit and one with the Java step, on the same minibatches.
     *
     * @param paramTolerance largest parameter difference allowed at any step
     */
    static void assertSameTraining(Map<String, Object> hp, int inputs, double paramTolerance) {
        assertSameTraining(hp, inputs, 1, paramTolerance, 1e-5);
    }

    /**
     * As above for a net with {@code outputs} outputs: one-hot classes for a softmax net, else random targets.
     *
     * @param scoreTolerance largest score difference allowed at any step, relative to a score of at least 1
     */
    static void assertSameTraining(Map<String, Object> hp, int inputs, int outputs, double paramTolerance,
                                   double scoreTolerance) {
        assertSameTraining(hp, conf -> { }, inputs, outputs, paramTolerance, scoreTolerance);
    }

    /** As above, with {@code edit} made to both nets' configuration. */
    static void assertSameTraining(Map<String, Object> hp, Consumer<MultiLayerConfiguration> edit, int inputs,
                                   int outputs, double paramTolerance, double scoreTolerance) {
        InputShape shape = new InputShape(1, 1, inputs);
        MultiLayerNetwork dl4j = net(hp, shape, outputs, edit), java = net(hp, shape, outputs, edit);
        DenseStep step = DenseStep.of(java).orElseThrow();
        Nd4j.getRandom().setSeed(3);
        // Two minibatch sizes, as an epoch's short last batch gives: the loops must follow the rows they are given.
        INDArray[] xs = {Nd4j.rand(DataType.FLOAT, 50, inputs).muli(10).subi(5), Nd4j.rand(DataType.FLOAT, 30, inputs)};
        INDArray[] ys = {targets(hp, 50, outputs), targets(hp, 30, outputs)};
        double startScore = Double.NaN;
        for (int i = 0; i < 120; i++) {
            // the same random numbers for both nets' dropout masks
            Nd4j.getRandom().setSeed(100 + i);
            dl4j.fit(xs[i % 2], ys[i % 2]);
            Nd4j.getRandom().setSeed(100 + i);
            step.fit(xs[i % 2], ys[i % 2]);
            if (i == 0) startScore = dl4j.score();
            assertEquals(dl4j.score(), java.score(), scoreTolerance * Math.max(1, dl4j.score()), "score at step " + i);
            double diff = dl4j.params().sub(java.params()).amaxNumber().doubleValue();
            assertTrue(diff < paramTolerance, "parameters differ by " + diff + " after step " + i);
        }
        INDArray state = dl4j.getUpdater().getStateViewArray();  // Adam's m and v; SGD has none
        if (state != null) assertEquals(state, java.getUpdater().getStateViewArray(), "updater state");
        assertEquals(dl4j.getIterationCount(), java.getIterationCount());
        assertTrue(dl4j.score() < startScore, "the nets learned: " + startScore + " -> " + dl4j.score());
    }

    private static INDArray targets(Map<String, Object> hp, int rows, int outputs) {
        if (!"softmax".equals(hp.get("output"))) return Nd4j.rand(DataType.FLOAT, rows, outputs);
        INDArray y = Nd4j.zeros(DataType.FLOAT, rows, outputs);
        for (int r = 0; r < rows; r++) y.putScalar(r, (r * 7 + r / 3) % outputs, 1f);
        return y;
    }

    /** A classifier whose two hidden layers are large enough to multiply through BLAS; the output layer uses loops. */
    static Map<String, Object> classifier(String optimizer) {
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("hidden", List.of(120, 40));
        hp.put("activation", "relu");
        hp.put("output", "softmax");
        hp.put("weightInit", "xavier");
        hp.put("optimizer", optimizer);
        hp.put("lr", optimizer.equals("sgd") ? 0.01 : 1e-3);
        if (optimizer.equals("adam")) hp.putAll(Map.of("beta1", 0.9, "beta2", 0.999, "epsilon", 1e-8));
        hp.put("l2", 0.01);
        hp.put("batch", 50);
        return hp;
    }

    /**
     * The branch-free ReLU gives DL4J's v > 0 ? v : 0 bit for bit: on every float whose bits are at the edges of the
     * ranges the mask tells apart (zeros, subnormals, infinities, NaNs of both signs) and on a million random bit patterns.
     */
    @Test
    void reluWithoutBranchesIsTheComparisonBitForBit() {
        List<Integer> edges = new java.util.ArrayList<>();
        for (int b : new int[] {0, 1, 2, 0x007FFFFF, 0x00800000, 0x3F800000, 0x7F7FFFFF, 0x7F800000, 0x7F800001, 0x7FC00000,
                0x7FFFFFFF}) {
            edges.add(b);
            edges.add(b | 0x80000000);
        }
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < 1_000_000; i++) edges.add(random.nextInt());
        for (int b : edges) {
            float v = Float.intBitsToFloat(b), d = Float.intBitsToFloat(random.nextInt());
            assertEquals(Float.floatToRawIntBits(v > 0 ? v : 0), Float.floatToRawIntBits(DenseStep.relu(v)),
                    () -> "relu of bits " + Integer.toHexString(b));
            assertEquals(Float.floatToRawIntBits(v > 0 ? d : 0), Float.floatToRawIntBits(DenseStep.reluGate(v, d)),
                    () -> "relu's gate at bits " + Integer.toHexString(b));
        }
    }

    @Test
    void aSoftmaxClassifierWithBlasLayersTrainsAsDl4jsFitDoes() {
        // at 30 rows (the smaller minibatch) as at 50
        assertTrue(30 * 100 * 120 >= DenseStep.BLAS_MULTIPLY_ADDS && 30 * 120 * 40 >= DenseStep.BLAS_MULTIPLY_ADDS
                && 50 * 40 * 4 < DenseStep.BLAS_MULTIPLY_ADDS, "the test covers both kinds of layer");
        assertSameTraining(classifier("sgd"), 100, 4, 1e-5, 1e-5);
    }

    @Test
    void aSoftmaxClassifierWithAdamTrainsAsDl4jsFitDoes() {
        // Over many steps Adam amplifies rounding: once a ReLU input that differs by 1e-7 crosses zero, or a gradient
        // that is rounding noise is divided by its own tiny running size, a parameter jumps by a tenth of lr and the
        // runs part (here after 81 steps). So each step starts both nets from DL4J's parameters and Adam state.
        assertSameStepsFromDl4jsState(classifier("adam"), 60);
    }

    /**
     * Steps a net with DL4J's fit and with the Java step, each step from DL4J's parameters and updater state, on one
     * minibatch with the same random numbers for dropout; asserts the scores and each parameter after each step.
     */
    static void assertSameStepsFromDl4jsState(Map<String, Object> hp, int steps) {
        InputShape shape = new InputShape(1, 1, 100);
        MultiLayerNetwork dl4j = net(hp, shape, 4), java = net(hp, shape, 4);
        DenseStep step = DenseStep.of(java).orElseThrow();
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 50, 100).muli(10).subi(5), y = targets(hp, 50, 4);
        for (int i = 0; i < steps; i++) {
            java.params().assign(dl4j.params());
            java.getUpdater().getStateViewArray().assign(dl4j.getUpdater().getStateViewArray());
            Nd4j.getRandom().setSeed(100 + i);
            dl4j.fit(x, y);
            Nd4j.getRandom().setSeed(100 + i);
            step.fit(x, y);
            assertEquals(dl4j.score(), java.score(), 1e-5 * Math.max(1, dl4j.score()), "score at step " + i);
            for (var e : dl4j.paramTable().entrySet()) {
                // A bias just before batch norm has no true gradient (the normalisation takes any shift out): its
                // gradient is rounding noise, which Adam scales up to ±lr, so only an SGD test can hold it.
                int layer = Integer.parseInt(e.getKey().split("_")[0]);
                boolean normedBias = e.getKey().endsWith("_b") && layer + 1 < dl4j.getnLayers()
                        && dl4j.getLayer(layer + 1).conf().getLayer() instanceof BatchNormalization;
                double diff = e.getValue().sub(java.paramTable().get(e.getKey())).amaxNumber().doubleValue();
                assertTrue(normedBias || diff < 1e-6, "one step from the same state: " + e.getKey() + " differs by "
                        + diff + " at step " + i);
            }
        }
    }

    @Test
    void theReportsRegressionNetTrainsAsDl4jsFitDoes() {
        // Adam divides each gradient by its own running size, so a gradient that is rounding noise (a bias whose
        // minibatch terms cancel, summed in another order) still moves by up to lr: the parameters agree to a tenth
        // of lr (0.01) here, the scores to 1e-5. A wrong gradient would move parameters by lr at every step.
        assertSameTraining(regression(), 1, 1e-3);
    }

    @Test
    void otherActivationsL2OnWeightsOnlyAndSgdWithSeveralInputs() {
        Map<String, Object> hp = regression();
        hp.remove("weightDecay");
        hp.put("l2", 0.01);
        hp.put("activations", List.of("relu", "tanh"));
        hp.put("optimizer", "sgd");
        hp.put("lr", 0.05);
        hp.remove("beta1");
        hp.remove("beta2");
        hp.remove("epsilon");
        assertSameTraining(hp, 3, 1e-5);  // without Adam's normalisation, float rounding stays float rounding
    }

    /** {@link #classifier} with batch norm after each hidden product and dropout 0.3, as B1's chosen net. */
    static Map<String, Object> batchNormedWithDropout(String optimizer) {
        Map<String, Object> hp = classifier(optimizer);
        hp.put("batchNorm", true);
        hp.put("dropout", 0.3);
        return hp;
    }

    /**
     * Report 000's chosen kind of net: linear → batch norm → ReLU per hidden layer, dropout on every layer's input after
     * the first, here with SGD so rounding stays rounding; the running mean and log10(σ) are parameters too, so they are
     * held equal with the rest.
     */
    @Test
    void aBatchNormedClassifierWithDropoutTrainsAsDl4jsFitDoes() {
        Map<String, Object> hp = batchNormedWithDropout("sgd");
        hp.put("l2Bias", 0.01);
        assertSameTraining(hp, 100, 4, 1e-5, 1e-5);
    }

    /**
     * The same with batch norm keeping the running variance itself (useLogStd false), which DL4J's layer allows and
     * the family never builds: its running variance is held equal with the other parameters.
     */
    @Test
    void aBatchNormedClassifierStoringTheVarianceTrainsAsDl4jsFitDoes() {
        Map<String, Object> hp = batchNormedWithDropout("sgd");
        Consumer<MultiLayerConfiguration> storeVariance = conf -> conf.getConfs().forEach(c -> {
            if (c.getLayer() instanceof BatchNormalization bn) bn.setUseLogStd(false);
        });
        MultiLayerNetwork net = net(hp, new InputShape(1, 1, 100), 4, storeVariance);
        assertTrue(net.paramTable().keySet().stream().anyMatch(k -> k.endsWith("_var")), "the layers store σ²: "
                + net.paramTable().keySet());
        assertSameTraining(hp, storeVariance, 100, 4, 1e-5, 1e-5);
    }

    /** The same net with Adam, each step from DL4J's parameters and state (see aSoftmaxClassifierWithAdam...). */
    @Test
    void aBatchNormedClassifierWithDropoutAndAdamTakesDl4jsStep() {
        assertSameStepsFromDl4jsState(batchNormedWithDropout("adam"), 40);
    }

    /** B1's third kind of unit, leaky ReLU, with batch norm and dropout (a slope large enough to matter). */
    @Test
    void aLeakyReluClassifierTrainsAsDl4jsFitDoes() {
        Map<String, Object> hp = batchNormedWithDropout("sgd");
        hp.put("activation", "leakyrelu");
        hp.put("leakySlope", 0.2);
        assertSameTraining(hp, 100, 4, 1e-5, 1e-5);
    }

    @Test
    void netsTheLoopsDoNotComputeKeepDl4jsFit() {
        Map<String, Object> handNorm = classifier("sgd");
        handNorm.put("batchNorm", true);
        handNorm.put("batchNormLayer", "hand");
        assertTrue(DenseStep.of(net(handNorm, new InputShape(1, 1, 100), 4)).isEmpty(), "another batch-norm layer");
        Map<String, Object> dropout = regression();
        dropout.put("dropout", 0.2);
        assertTrue(DenseStep.of(net(dropout, ONE, 1)).isPresent(), "dropout");
        assertTrue(DenseStep.of(net(regression(), ONE, 1)).isPresent());
    }
}
