package dl4jrepro.families;

import dl4jrepro.data.InputShape;
import dl4jrepro.layers.HandBatchNorm;
import dl4jrepro.layers.SameDiffBatchNorm;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Set;

/**
 * Fully connected nets: input → hidden dense layers → softmax trained on cross-entropy, or → one linear output trained on
 * mean squared error. The two-layer nets of reports 000-004, the deep MLP grids, the MNIST quick start and report 003's
 * SELU regression net are all this family.
 *
 * <p>Hyperparameters: {@code hidden} (widths), {@code output} ("softmax", the default: classes with cross-entropy;
 * "linear": regression with mean squared error), {@code activations} (optional, one per hidden layer, instead of one
 * {@code activation} for all), {@code regPerLayer} (optional: λ of each weight layer's λ‖W‖², hidden layers then output,
 * instead of one {@code reg}), {@code dropout} (probability of dropping each hidden unit, default 0),
 * {@code batchNorm} (batch normalisation between each hidden layer's linear part and its activation, default off),
 * {@code batchNormLayer} (which layer does it: "dl4j", the default, DL4J's BatchNormalization; "hand", the
 * hand-derived {@link HandBatchNorm}; "samediff", the automatically differentiated {@link SameDiffBatchNorm}: catalogue
 * E3 compares the three), the units of {@link Neurons} and the training settings of {@link Optimizers}.
 */
public final class MlpFamily implements ModelFamily {
    @Override
    public boolean denseOnly() {
        return true;
    }

    private static final Set<String> OUTPUTS = Set.of("softmax", "linear");
    private static final Set<String> BATCH_NORM_LAYERS = Set.of("dl4j", "hand", "samediff");

    /** Every hyperparameter this family reads; a spec with any other is refused. */
    static final Set<String> KEYS = keys("hidden", "output", "regPerLayer", "dropout", "batchNorm", "batchNormLayer");

    private static Set<String> keys(String... own) {
        Set<String> keys = ModelFamily.commonKeys();
        keys.addAll(List.of(own));
        return Set.copyOf(keys);
    }

    @Override
    public void validate(Hyperparameters hp, InputShape input) {
        hp.checkKnown(KEYS);
        List<Integer> hidden = hp.getIntList("hidden");
        hp.check(hidden.stream().allMatch(w -> w > 0), "hidden", "every hidden width must be at least 1");
        hp.check(!hp.has("activations") || hp.getStrings("activations").size() == hidden.size(), "activations",
                "name one activation per hidden layer (" + hidden.size() + ")");
        hp.check(OUTPUTS.contains(output(hp)), "output", "use one of " + OUTPUTS);
        hp.check(!hp.has("regPerLayer") || hp.getDoubleList("regPerLayer").size() == hidden.size() + 1
                        && hp.getDoubleList("regPerLayer").stream().allMatch(r -> r >= 0), "regPerLayer",
                "give one λ ≥ 0 per weight layer (" + (hidden.size() + 1) + ": the hidden layers, then the output)");
        hp.check(!hp.has("batchNormLayer") || BATCH_NORM_LAYERS.contains(hp.getString("batchNormLayer")), "batchNormLayer",
                "use one of " + BATCH_NORM_LAYERS);
        Neurons.validate(hp);
        Optimizers.validate(hp);
        hp.check(hp.getDouble("dropout", 0) >= 0 && hp.getDouble("dropout", 0) < 1, "dropout",
                "is the probability of dropping a hidden unit: use [0, 1)");
    }

    private static Layer batchNormLayer(Hyperparameters hp, int width) {
        return switch (hp.has("batchNormLayer") ? hp.getString("batchNormLayer") : "dl4j") {
            case "hand" -> new HandBatchNorm.Builder().nIn(width).nOut(width).build();
            case "samediff" -> new SameDiffBatchNorm(width, 1e-5);
            default -> new BatchNormalization.Builder().nIn(width).nOut(width).build();
        };
    }

    private static String output(Hyperparameters hp) {
        return hp.has("output") ? hp.getString("output") : "softmax";
    }

    @Override
    public MultiLayerConfiguration configure(Hyperparameters hp, InputShape input, int classes, long seed, int stepsPerEpoch) {
        NeuralNetConfiguration.ListBuilder layers = ModelFamily.common(hp, seed, stepsPerEpoch)
                .list();
        // DL4J's dropOut(p) acts on a layer's input and keeps each unit with probability p, so dropping hidden units
        // with probability `dropout` means dropOut(1 - dropout) on every layer after the first.
        double keep = 1 - hp.getDouble("dropout", 0);
        int previous = input.features();
        boolean first = true;
        boolean batchNorm = hp.has("batchNorm") && hp.getBoolean("batchNorm");
        List<Integer> hidden = hp.getIntList("hidden");
        for (int i = 0; i < hidden.size(); i++) {
            int width = hidden.get(i);
            // With batch norm the order is linear → normalise → activate (report 000: "before each activation").
            DenseLayer.Builder dense = new DenseLayer.Builder().nIn(previous).nOut(width)
                    .activation(batchNorm ? new ActivationIdentity() : Neurons.activation(hp, i));
            if (hp.has("regPerLayer")) dense.l2(2 * hp.getDoubleList("regPerLayer").get(i));
            if (!first && keep < 1) dense.dropOut(keep);
            layers.layer(dense.build());
            if (batchNorm) {
                layers.layer(batchNormLayer(hp, width));
                layers.layer(new ActivationLayer.Builder().activation(Neurons.activation(hp, i)).build());
            }
            previous = width;
            first = false;
        }
        boolean regression = output(hp).equals("linear");
        OutputLayer.Builder output = new OutputLayer.Builder(regression ? LossFunctions.LossFunction.MSE
                : LossFunctions.LossFunction.MCXENT).nIn(previous).nOut(classes)
                .activation(regression ? new ActivationIdentity() : new ActivationSoftmax());
        if (!first && keep < 1) output.dropOut(keep);
        if (hp.has("regPerLayer")) output.l2(2 * hp.getDoubleList("regPerLayer").get(hidden.size()));
        layers.layer(output.build());
        return layers.build();
    }
}
