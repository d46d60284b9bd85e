package dl4jrepro.families;

import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;

import java.util.Set;

/**
 * What every family's hidden units are: {@code activation} (relu, leakyrelu with {@code leakySlope}, tanh, sigmoid) and
 * how their weights start, {@code weightInit} (normal with {@code weightStd}; xavier; he, Kaiming normal; uniform,
 * U(−1/√fan_in, 1/√fan_in) as PyTorch's nn.Linear and nn.Conv2d start). Biases start at zero.
 */
final class Neurons {
    private static final Set<String> ACTIVATIONS = Set.of("relu", "leakyrelu", "tanh", "sigmoid");
    private static final Set<String> INITS = Set.of("normal", "xavier", "he", "uniform");

    private Neurons() {}

    static void validate(Hyperparameters hp) {
        hp.check(ACTIVATIONS.contains(hp.getString("activation")), "activation", "use one of " + ACTIVATIONS);
        if (hp.getString("activation").equals("leakyrelu")) {
            hp.check(hp.getDouble("leakySlope") > 0, "leakySlope", "must be positive");
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
            default -> WeightInit.RELU.getWeightInitFunction();
        };
    }

    static IActivation activation(Hyperparameters hp) {
        return switch (hp.getString("activation")) {
            case "leakyrelu" -> new ActivationLReLU(hp.getDouble("leakySlope"));
            case "tanh" -> new ActivationTanH();
            case "sigmoid" -> new ActivationSigmoid();
            default -> new ActivationReLU();
        };
    }
}
