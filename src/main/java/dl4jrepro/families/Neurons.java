package dl4jrepro.families;

import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;

import java.util.List;
import java.util.Set;

/**
 * What every family's hidden units are: {@code activation} (relu, leakyrelu with {@code leakySlope}, tanh, sigmoid, selu,
 * identity) and how their weights start, {@code weightInit} (normal with {@code weightStd}; xavier; he, Kaiming normal;
 * uniform, U(−1/√fan_in, 1/√fan_in) as PyTorch's nn.Linear and nn.Conv2d start; lecun, N(0, 1/fan_in), the
 * initialisation SELU's self-normalisation assumes). Biases start at zero.
 */
final class Neurons {
    private static final Set<String> ACTIVATIONS = Set.of("relu", "leakyrelu", "tanh", "sigmoid", "selu", "identity");
    private static final Set<String> INITS = Set.of("normal", "xavier", "he", "uniform", "lecun");
    /** The hyperparameters read here. */
    static final Set<String> KEYS = Set.of("activation", "activations", "leakySlope", "weightInit", "weightStd");

    private Neurons() {}

    static void validate(Hyperparameters hp) {
        for (String a : activations(hp)) {
            hp.check(ACTIVATIONS.contains(a), hp.has("activations") ? "activations" : "activation", "use one of " + ACTIVATIONS);
            if (a.equals("leakyrelu")) hp.check(hp.getDouble("leakySlope") > 0, "leakySlope", "must be positive");
        }
        hp.check(INITS.contains(hp.getString("weightInit")), "weightInit", "use one of " + INITS);
        if (hp.getString("weightInit").equals("normal")) {
            hp.check(hp.getDouble("weightStd") > 0, "weightStd", "must be positive");
        }
    }

    static IWeightInit weightInit(Hyperparameters hp) {
        return switch (hp.getString("weightInit")) {
            case "normal" -> new WeightInitDistribution(new NormalDistribution(0, hp.getDouble("weightStd")));
            case "xavier" -> WeightInit.XAVIER.getWeightInitFunction();
            case "uniform" -> WeightInit.UNIFORM.getWeightInitFunction();
            case "lecun" -> WeightInit.LECUN_NORMAL.getWeightInitFunction();
            default -> WeightInit.RELU.getWeightInitFunction();
        };
    }

    /** The one activation of every hidden layer. */
    static IActivation activation(Hyperparameters hp) {
        return activation(hp, hp.getString("activation"));
    }

    /**
     * The activation of hidden layer {@code layer}: {@code activations} names one per hidden layer (report 003's
     * regression net: selu, then sigmoid); without it every layer has {@code activation}.
     */
    static IActivation activation(Hyperparameters hp, int layer) {
        return activation(hp, hp.has("activations") ? hp.getStrings("activations").get(layer) : hp.getString("activation"));
    }

    private static List<String> activations(Hyperparameters hp) {
        return hp.has("activations") ? hp.getStrings("activations") : List.of(hp.getString("activation"));
    }

    private static IActivation activation(Hyperparameters hp, String name) {
        return switch (name) {
            case "leakyrelu" -> new ActivationLReLU(hp.getDouble("leakySlope"));
            case "tanh" -> new ActivationTanH();
            case "sigmoid" -> new ActivationSigmoid();
            case "selu" -> new ActivationSELU();
            case "identity" -> new ActivationIdentity();
            default -> new ActivationReLU();
        };
    }
}
