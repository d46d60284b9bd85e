package dl4jrepro.families;

import dl4jrepro.base.UserError;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.data.InputShape;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.train.ProgressLine;
import dl4jrepro.train.Trainer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class MlpFamilyTest {
    static final InputShape CIFAR = new InputShape(3, 32, 32);
    final MlpFamily family = new MlpFamily();

    public static Map<String, Object> twoLayer() {
        Map<String, Object> m = new HashMap<>();
        m.put("hidden", List.of(50));
        m.put("activation", "relu");
        m.put("weightInit", "normal");
        m.put("weightStd", 0.001);
        m.put("optimizer", "adam");
        m.put("lr", 0.001);
        m.put("beta1", 0.9);
        m.put("beta2", 0.999);
        m.put("epsilon", 1e-8);
        m.put("lrDecayPerEpoch", 0.95);
        m.put("l2", 0.001);
        m.put("l2Bias", 0.001);
        m.put("batch", 200);
        return m;
    }

    @Test
    void buildsThePlainDl4jConfigurationADl4jUserWouldWrite() {
        Map<String, Object> m = twoLayer();
        m.put("hidden", List.of(250, 100));
        m.put("batchNorm", true);
        m.put("dropout", 0.2);
        MultiLayerConfiguration conf = family.configure(new Hyperparameters("t", m), CIFAR, 10, 1, 245);
        assertEquals(List.of(), classesOfOurs(conf), "layers, activations and updaters are DL4J's own");
    }

    /** The classes of this project in a configuration's layers, activations and updaters. */
    public static List<String> classesOfOurs(MultiLayerConfiguration conf) {
        List<Object> parts = new ArrayList<>();
        for (var c : conf.getConfs()) {
            var layer = c.getLayer();
            parts.add(layer);
            if (layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b) {
                parts.addAll(java.util.Arrays.asList(b.getActivationFn(), b.getIUpdater(), b.getBiasUpdater()));
            }
            if (layer instanceof ActivationLayer a) parts.add(a.getActivationFn());
        }
        return parts.stream().filter(p -> p != null && p.getClass().getName().startsWith("dl4jrepro."))
                .map(p -> p.getClass().getName()).toList();
    }

    @Test
    void buildsTheReportsTwoLayerNet() {
        Hyperparameters hp = new Hyperparameters("t", twoLayer());
        family.validate(hp, CIFAR);
        MultiLayerConfiguration conf = family.configure(hp, CIFAR, 10, 1, 245);
        assertEquals(2, conf.getConfs().size());
        DenseLayer hidden = assertInstanceOf(DenseLayer.class, conf.getConf(0).getLayer());
        assertEquals(3072, hidden.getNIn());
        assertEquals(50, hidden.getNOut());
        OutputLayer out = assertInstanceOf(OutputLayer.class, conf.getConf(1).getLayer());
        assertEquals(10, out.getNOut());
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertEquals(3072 * 50 + 50 + 50 * 10 + 10, net.numParams());
        // Weights drawn from N(0, 1e-3): their sd is close to 1e-3, biases are zero.
        double sd = net.getParam("0_W").stdNumber().doubleValue();
        assertEquals(1e-3, sd, 5e-5);
        assertEquals(0.0, net.getParam("0_b").sumNumber().doubleValue());
        // Learning rate decays ×0.95 once per 245-step epoch.
        Adam adam = assertInstanceOf(Adam.class, hidden.getIUpdater());
        assertEquals(1e-3, adam.getLearningRate(244, 0), 1e-12);
        assertEquals(0.95e-3, adam.getLearningRate(245, 1), 1e-12);
    }

    @Test
    void classicalMomentumAccumulatesVelocity() {
        var updater = new ClassicalMomentum(0.8, new StepSchedule(
                ScheduleType.ITERATION, 0.1, 0.5, 10)).instantiate(Nd4j.zeros(1, 2), true);
        INDArray g = Nd4j.createFromArray(1f, -2f).reshape(1, 2);
        updater.applyUpdater(g, 0, 0);
        assertEquals(Nd4j.createFromArray(0.1f, -0.2f).reshape(1, 2), g, "first step: lr·g");
        INDArray g2 = Nd4j.createFromArray(1f, -2f).reshape(1, 2);
        updater.applyUpdater(g2, 10, 0);
        // v = 0.8·(0.1, −0.2) + 0.05·(1, −2): the schedule halved the rate after 10 iterations.
        assertTrue(g2.equalsWithEps(Nd4j.createFromArray(0.13f, -0.26f).reshape(1, 2), 1e-6), g2.toString());
    }

    @Test
    void adadeltaStepMatchesPyTorchsFormula() {
        var updater = new TorchAdadelta(0.9, 1e-6, new StepSchedule(
                ScheduleType.ITERATION, 0.5, 1.0, 10)).instantiate(Nd4j.zeros(1, 4), true);
        INDArray g = Nd4j.createFromArray(1f, -2f).reshape(1, 2);
        updater.applyUpdater(g, 0, 0);
        // E[g²] = 0.1·g²; Δ = √(0 + ε)/√(E[g²] + ε)·g; step = lr·Δ
        double d1 = 0.5 * Math.sqrt(1e-6) / Math.sqrt(0.1 + 1e-6), d2 = 0.5 * Math.sqrt(1e-6) / Math.sqrt(0.4 + 1e-6) * -2;
        assertEquals(d1, g.getDouble(0), 1e-8);
        assertEquals(d2, g.getDouble(1), 1e-8);
    }

    @Test
    void momentumAndDropoutNetsTrainAndSurviveJson() {
        Map<String, Object> m = twoLayer();
        m.put("optimizer", "momentum");
        m.put("momentum", 0.9);
        m.put("dropout", 0.5);
        m.put("hidden", List.of(20, 10));
        Hyperparameters hp = new Hyperparameters("t", m);
        family.validate(hp, CIFAR);
        MultiLayerConfiguration conf = family.configure(hp, new InputShape(1, 1, 8), 3, 1, 10);
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()), "custom updater round-trips through JSON");
        assertEquals(null, conf.getConf(0).getLayer().getIDropout(), "no dropout on the input pixels");
        assertInstanceOf(Dropout.class, conf.getConf(1).getLayer().getIDropout());
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = Nd4j.rand(32, 8), y = Nd4j.zeros(32, 3);
        for (int i = 0; i < 32; i++) y.putScalar(i, i % 3, 1);
        INDArray before = net.params().dup();
        net.fit(x, y);
        assertTrue(Double.isFinite(net.score()) && !before.equals(net.params()), "one momentum step moved the weights");
    }

    @Test
    void batchNormGoesBetweenEachLinearPartAndItsActivation() {
        Map<String, Object> m = twoLayer();
        m.put("hidden", List.of(250, 150, 50));
        m.put("batchNorm", true);
        m.put("activation", "leakyrelu");
        m.put("leakySlope", 0.01);
        m.put("dropout", 0.3);
        MultiLayerConfiguration conf = family.configure(new Hyperparameters("t", m), CIFAR, 10, 1, 245);
        List<String> kinds = conf.getConfs().stream().map(c -> c.getLayer().getClass().getSimpleName()).toList();
        assertEquals(List.of("DenseLayer", "BatchNormalization", "ActivationLayer", "DenseLayer", "BatchNormalization",
                "ActivationLayer", "DenseLayer", "BatchNormalization", "ActivationLayer", "OutputLayer"), kinds);
        DenseLayer second = (DenseLayer) conf.getConf(3).getLayer();
        assertEquals(250, second.getNIn());
        assertEquals(150, second.getNOut());
        assertEquals("identity", second.getActivationFn().toString(), "the activation comes after the normalisation");
        assertInstanceOf(ActivationLReLU.class,
                ((ActivationLayer) conf.getConf(2).getLayer()).getActivationFn());
        assertInstanceOf(Dropout.class, second.getIDropout(), "dropout after layer 1");
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // weights + biases of 4 dense layers, and gamma, beta, running mean and variance of 3 batch norms
        long expected = 3072L * 250 + 250 + 250 * 150 + 150 + 150 * 50 + 50 + 50 * 10 + 10 + 4L * (250 + 150 + 50);
        assertEquals(expected, net.numParams());
    }

    @Test
    void initialisationsHaveTheirScale() {
        Map<String, Object> m = twoLayer();
        m.put("hidden", List.of(400));
        for (String init : List.of("he", "xavier", "uniform")) {
            m.put("weightInit", init);
            MultiLayerNetwork net = new MultiLayerNetwork(family.configure(new Hyperparameters("t", m), CIFAR, 10, 7, 1));
            net.init();
            INDArray w = net.getParam("0_W");
            double sd = w.stdNumber().doubleValue();
            switch (init) {
                case "he" -> assertEquals(Math.sqrt(2.0 / 3072), sd, 0.01 * Math.sqrt(2.0 / 3072));
                case "xavier" -> assertEquals(Math.sqrt(2.0 / (3072 + 400)), sd, 0.01 * Math.sqrt(2.0 / 3472));
                default -> {
                    assertTrue(w.amaxNumber().doubleValue() <= 1 / Math.sqrt(3072), "U(−1/√fan_in, 1/√fan_in)");
                    assertEquals(1 / Math.sqrt(3072) / Math.sqrt(3), sd, 0.01 / Math.sqrt(3072), "sd of a uniform is a/√3");
                }
            }
        }
    }

    @Test
    void rejectsImpossibleValuesBeforeTraining() {
        Map<String, Object> m = twoLayer();
        m.put("lrDecayPerEpoch", 1.5);
        UserError e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", m), CIFAR));
        assertTrue(e.getMessage().contains("lrDecayPerEpoch=1.5 is impossible"), e.getMessage());
        m.put("lrDecayPerEpoch", 0.95);
        m.put("hidden", List.of(50, 0));
        e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", m), CIFAR));
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
        m.put("hidden", List.of(50));
        m.put("optimizer", "lbfgs");
        e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", m), CIFAR));
        assertTrue(e.getMessage().contains("optimizer=lbfgs"), e.getMessage());
    }

    /** A range test's rate grows by its factor every step, and the run ends, completed, where the loss blows up. */
    @Test
    void aRangeTestGrowsTheRateEveryStepAndStopsWhereTheLossBlowsUp() {
        ExperimentSpec spec = new SpecCatalog(Path.of("experiments")).load("regression-selu-003-final");
        Map<String, Object> m = new HashMap<>(spec.hyperparameters());
        m.put("optimizer", "sgd");
        m.put("lr", 1e-5);
        m.put("lrDecayPerEpoch", 1.0);
        m.put("lrGrowthPerStep", 1.1);
        Hyperparameters hp = new Hyperparameters("t", m);
        InputShape one = InputShape.of(spec.data());
        family.validate(hp, one);
        MultiLayerNetwork net = new MultiLayerNetwork(family.configure(hp, one, 1, 1, 10));
        net.init();
        var data = new DatasetRepository(DataLocations.resolve(null)).prepare(spec.data(), 42);
        var outcome = Trainer.train(net, data, new ExperimentSpec.Budget(null, 1000, 1, "last-batch", null, null, 4.0), 50, 1,
                new ProgressLine(new PrintStream(OutputStream.nullOutputStream()), "t"));
        assertEquals("completed", outcome.status());
        assertTrue(outcome.steps() < 1000, "stopped where the loss blew up, at step " + outcome.steps());
        var curve = outcome.curve();
        assertEquals(1.1, curve.get(5).lr() / curve.get(4).lr(), 1e-9);
        assertEquals(1e-5 * Math.pow(1.1, 5), curve.get(4).lr(), 1e-12, "the rate after 5 updates");
        m.put("lrDecayPerEpoch", 0.95);
        UserError e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", m), one));
        assertTrue(e.getMessage().contains("lrGrowthPerStep"), e.getMessage());
    }

    @Test
    void report003sRegressionNetIsSeluThenSigmoidWithALinearMseOutputAndLearns() {
        ExperimentSpec spec = new SpecCatalog(Path.of("experiments"))
                .load("regression-selu-003-final");
        Hyperparameters hp = new Hyperparameters("t", spec.hyperparameters());
        InputShape one = InputShape.of(spec.data());
        family.validate(hp, one);
        MultiLayerConfiguration conf = family.configure(hp, one, 1, 1, 2);
        assertEquals("selu", ((DenseLayer) conf.getConf(0).getLayer()).getActivationFn().toString());
        assertEquals("sigmoid", ((DenseLayer) conf.getConf(1).getLayer()).getActivationFn().toString());
        OutputLayer out = assertInstanceOf(OutputLayer.class, conf.getConf(2).getLayer());
        assertInstanceOf(LossMSE.class, out.getLossFn());
        assertEquals("identity", out.getActivationFn().toString());
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertEquals(1 * 16 + 16 + 16 * 64 + 64 + 64 + 1, net.numParams(), "the report's 'about 1 k'");

        var data = new DatasetRepository(DataLocations.resolve(null)).prepare(spec.data(), 42);
        double variance = data.trainY().varNumber().doubleValue();
        var outcome = Trainer.train(net, data,
                new ExperimentSpec.Budget(400, null, null, "full", null, null, null), 50, 1,
                new ProgressLine(new PrintStream(OutputStream.nullOutputStream()), "t"));
        double trainMse = outcome.curve().get(outcome.curve().size() - 1).trainLoss();
        assertTrue(trainMse < 0.6 * variance, "fits far better than the mean: MSE " + trainMse + " vs variance " + variance);
        assertTrue(Double.isNaN(outcome.curve().get(0).trainAcc()), "regression has no accuracy");
        UserError e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t",
                Map.of("hidden", List.of(16, 64), "activations", List.of("selu"), "output", "linear")), one));
        assertTrue(e.getMessage().contains("one activation per hidden layer"), e.getMessage());
    }
}
