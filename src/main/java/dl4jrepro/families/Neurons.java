package dl4jrepro.families;

import dl4jrepro.layers.FastDense;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
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
 * initialisation SELU's self-normalisation assumes). Biases start at zero. {@code denseLayer}: "fast" (the default),
 * DL4J's dense layer keeping the forward pass's pre-activation for the backward pass ({@link FastDense}), or "dl4j",
 * DL4J's own, which computes it twice; the two give the same numbers. {@code reluActivation}: "fast" (the default),
 * {@link FastReLU}, ReLU with a faster backward pass, or "dl4j", DL4J's own; again the same numbers.
 */
final class Neurons {
    private static final Set<String> ACTIVATIONS = Set.of("relu", "leakyrelu", "tanh", "sigmoid", "selu", "identity");
    private static final Set<String> INITS = Set.of("normal", "xavier", "he", "uniform", "lecun");

    private Neurons() {}

    /**
     * The dense layer {@code built} describes, as {@code denseLayer} says it is implemented.
     *
     * @param inputGradient false for a network's first layer, whose input gradient nothing uses
     */
    static Layer dense(Hyperparameters hp, DenseLayer built, boolean inputGradient) {
        if (!Implementation.fast(hp, "denseLayer")) return built;
        FastDense fast = FastDense.of(built);
        fast.setInputGradient(inputGradient);
        return fast;
    }

    static void validate(Hyperparameters hp) {
        for (String a : activations(hp)) {
            hp.check(ACTIVATIONS.contains(a), hp.has("activations") ? "activations" : "activation", "use one of " + ACTIVATIONS);
            if (a.equals("leakyrelu")) hp.check(hp.getDouble("leakySlope") > 0, "leakySlope", "must be positive");
        }
        hp.check(INITS.contains(hp.getString("weightInit")), "weightInit", "use one of " + INITS);
        Implementation.validate(hp, "denseLayer", "DL4J's dense layer keeping its pre-activation for the backward pass");
        Implementation.validate(hp, "reluActivation", "ReLU whose backward pass is step(z) times the gradient");
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
            default -> Implementation.fast(hp, "reluActivation") ? new FastReLU() : new ActivationReLU();
        };
    }
}
