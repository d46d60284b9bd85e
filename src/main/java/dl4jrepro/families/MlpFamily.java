package dl4jrepro.families;

import dl4jrepro.cli.Repro;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

import java.util.List;
import java.util.Set;

/**
 * Fully connected nets: input → hidden dense layers → softmax, trained on cross-entropy. The two-layer nets of reports
 * 000-004 and the MNIST quick start are all this family.
 *
 * <p>Hyperparameters: {@code hidden} (widths), {@code activation} (relu, leakyrelu with {@code leakySlope}, tanh,
 * sigmoid), {@code weightInit} (normal with {@code weightStd}, xavier, he, uniform), {@code optimizer} (sgd; momentum with
 * {@code momentum}, classical heavy-ball; adam with {@code beta1}, {@code beta2}, {@code epsilon}; adadelta with {@code rho},
 * {@code adadeltaEpsilon} and a learning rate, as PyTorch has it), {@code dropout}
 * (probability of dropping each hidden unit, default 0), {@code batchNorm} (batch normalisation between each hidden
 * layer's linear part and its activation, default off), {@code lr}, {@code lrDecayPerEpoch} (×factor after every epoch, 1 =
 * constant), {@code l2} and {@code l2Bias} (coefficient c adds c·w to the gradient, i.e. PyTorch's weight_decay),
 * or {@code reg} (λ of a λ‖W‖² loss term on the weights, as the NumPy reports write it), {@code batch}. Biases start at
 * zero.
 *
 * <p>{@code main} runs {@code two-layer-torch-000}, or the MLP experiment named as the first argument.
 */
public final class MlpFamily implements ModelFamily {
    private static final Set<String> ACTIVATIONS = Set.of("relu", "leakyrelu", "tanh", "sigmoid");
    private static final Set<String> INITS = Set.of("normal", "xavier", "he", "uniform");
    private static final Set<String> OPTIMIZERS = Set.of("sgd", "momentum", "adam", "adadelta");

    public static void main(String[] args) {
        Repro.familyMain("two-layer-torch-000", args);
    }

    @Override
    public void validate(Hyperparameters hp) {
        List<Integer> hidden = hp.getIntList("hidden");
        hp.check(hidden.stream().allMatch(w -> w > 0), "hidden", "every hidden width must be at least 1");
        hp.check(ACTIVATIONS.contains(hp.getString("activation")), "activation", "use one of " + ACTIVATIONS);
        hp.check(INITS.contains(hp.getString("weightInit")), "weightInit", "use one of " + INITS);
        if (hp.getString("weightInit").equals("normal")) {
            hp.check(hp.getDouble("weightStd") > 0, "weightStd", "must be positive");
        }
        hp.check(OPTIMIZERS.contains(hp.getString("optimizer")), "optimizer", "use one of " + OPTIMIZERS);
        hp.check(hp.getDouble("lr") > 0, "lr", "must be positive");
        double decay = hp.getDouble("lrDecayPerEpoch", 1.0);
        hp.check(decay > 0 && decay <= 1, "lrDecayPerEpoch", "must be in (0, 1]");
        hp.check(hp.getDouble("l2", 0) >= 0, "l2", "must be zero or positive");
        hp.check(hp.getDouble("l2Bias", 0) >= 0, "l2Bias", "must be zero or positive");
        hp.check(hp.getDouble("reg", 0) >= 0, "reg", "must be zero or positive");
        hp.check(hp.getDouble("reg", 0) == 0 || hp.getDouble("l2", 0) == 0, "reg",
                "give either reg (λ of λ‖W‖², the NumPy reports) or l2 (PyTorch weight decay), not both");
        hp.check(hp.getInt("batch") > 0, "batch", "must be at least 1");
        if (hp.getString("activation").equals("leakyrelu")) {
            hp.check(hp.getDouble("leakySlope") > 0, "leakySlope", "must be positive");
        }
        if (hp.getString("optimizer").equals("momentum")) {
            hp.check(hp.getDouble("momentum") >= 0 && hp.getDouble("momentum") < 1, "momentum", "must be in [0, 1)");
        }
        hp.check(hp.getDouble("dropout", 0) >= 0 && hp.getDouble("dropout", 0) < 1, "dropout",
                "is the probability of dropping a hidden unit: use [0, 1)");
        if (hp.getString("optimizer").equals("adadelta")) {
            hp.check(hp.getDouble("rho") > 0 && hp.getDouble("rho") < 1, "rho", "must be in (0, 1)");
            hp.check(hp.getDouble("adadeltaEpsilon") > 0, "adadeltaEpsilon", "must be positive");
        }
        if (hp.getString("optimizer").equals("adam")) {
            hp.check(hp.getDouble("beta1") >= 0 && hp.getDouble("beta1") < 1, "beta1", "must be in [0, 1)");
            hp.check(hp.getDouble("beta2") >= 0 && hp.getDouble("beta2") < 1, "beta2", "must be in [0, 1)");
            hp.check(hp.getDouble("epsilon") > 0, "epsilon", "must be positive");
        }
    }

    @Override
    public int batchSize(Hyperparameters hp) {
        return hp.getInt("batch");
    }

    @Override
    public MultiLayerConfiguration configure(Hyperparameters hp, int inputs, int classes, long seed, int stepsPerEpoch) {
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(updater(hp, stepsPerEpoch))
                .weightInit(weightInit(hp))
                .l2(weightPenalty(hp))
                .l2Bias(hp.getDouble("l2Bias", 0))
                .list();
        // DL4J's dropOut(p) acts on a layer's input and keeps each unit with probability p, so dropping hidden units
        // with probability `dropout` means dropOut(1 - dropout) on every layer after the first.
        double keep = 1 - hp.getDouble("dropout", 0);
        int previous = inputs;
        boolean first = true;
        boolean batchNorm = hp.has("batchNorm") && hp.getBoolean("batchNorm");
        for (int width : hp.getIntList("hidden")) {
            // With batch norm the order is linear → normalise → activate (report 000: "before each activation").
            DenseLayer.Builder dense = new DenseLayer.Builder().nIn(previous).nOut(width)
                    .activation(batchNorm ? new ActivationIdentity() : activation(hp));
            if (!first && keep < 1) dense.dropOut(keep);
            layers.layer(dense.build());
            if (batchNorm) {
                layers.layer(new BatchNormalization.Builder().nIn(width).nOut(width).build());
                layers.layer(new ActivationLayer.Builder().activation(activation(hp)).build());
            }
            previous = width;
            first = false;
        }
        OutputLayer.Builder output = new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nIn(previous).nOut(classes).activation(new ActivationSoftmax());
        if (!first && keep < 1) output.dropOut(keep);
        layers.layer(output.build());
        return layers.build();
    }

    /**
     * DL4J's l2 coefficient c adds c·w to the gradient. The NumPy reports add λ‖W‖² to the loss, whose gradient is 2λW,
     * so their λ ({@code reg}) becomes c = 2λ; PyTorch's weight_decay ({@code l2}) is c itself.
     */
    private static double weightPenalty(Hyperparameters hp) {
        return hp.has("reg") ? 2 * hp.getDouble("reg") : hp.getDouble("l2", 0);
    }

    private static IUpdater updater(Hyperparameters hp, int stepsPerEpoch) {
        double lr = hp.getDouble("lr");
        // ×decay once per epoch, counted in iterations so it does not depend on DL4J's epoch counter.
        ISchedule schedule = new StepSchedule(ScheduleType.ITERATION, lr, hp.getDouble("lrDecayPerEpoch", 1.0), stepsPerEpoch);
        return switch (hp.getString("optimizer")) {
            case "adam" -> new Adam.Builder().learningRateSchedule(schedule)
                    .beta1(hp.getDouble("beta1")).beta2(hp.getDouble("beta2")).epsilon(hp.getDouble("epsilon")).build();
            case "momentum" -> new ClassicalMomentum(hp.getDouble("momentum"), schedule);
            case "adadelta" -> new TorchAdadelta(hp.getDouble("rho"), hp.getDouble("adadeltaEpsilon"), schedule);
            default -> new Sgd(schedule);
        };
    }

    private static IWeightInit weightInit(Hyperparameters hp) {
        return switch (hp.getString("weightInit")) {
            case "normal" -> new WeightInitDistribution(new NormalDistribution(0, hp.getDouble("weightStd")));
            case "xavier" -> WeightInit.XAVIER.getWeightInitFunction();
            // U(−1/√fan_in, 1/√fan_in): the weights PyTorch's nn.Linear starts from by default.
            case "uniform" -> WeightInit.UNIFORM.getWeightInitFunction();
            default -> WeightInit.RELU.getWeightInitFunction();
        };
    }

    private static IActivation activation(Hyperparameters hp) {
        return switch (hp.getString("activation")) {
            case "leakyrelu" -> new ActivationLReLU(hp.getDouble("leakySlope"));
            case "tanh" -> new ActivationTanH();
            case "sigmoid" -> new ActivationSigmoid();
            default -> new ActivationReLU();
        };
    }
}
