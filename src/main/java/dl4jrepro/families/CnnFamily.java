package dl4jrepro.families;

import dl4jrepro.data.InputShape;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Set;

/**
 * Convolutional nets: blocks of convolutions, each block ending in a 2×2 down-sampling, then dense layers and a softmax
 * output trained on cross-entropy (softmax + cross-entropy is the same loss as the reports' log-softmax + negative
 * log-likelihood). The MNIST CNN of report 003 and the CIFAR-10 VGG-style net of report 004 are this family.
 *
 * <p>Hyperparameters: {@code blocks} (a list of blocks, each a list of filter counts, one convolution per count:
 * [[32, 64]] is conv32 → conv64 → down-sample), {@code kernel} (square kernel size), {@code padding} ("valid": none,
 * "same": keeps the size), {@code downsample} ("maxpool": 2×2 max pooling with stride 2 after each block; "stride2":
 * the block's last convolution moves with stride 2 instead, a learnable down-sampling), {@code batchNorm} (batch
 * normalisation after every convolution and dense layer, before its activation), {@code dropoutConv} (probability of
 * dropping each unit of the last block's output), {@code dense} (widths of the dense layers), {@code dropoutDense}
 * (probability of dropping each dense unit), the units of {@link Neurons} and the training settings of
 * {@link Optimizers}.
 */
public final class CnnFamily implements ModelFamily {
    private static final Set<String> PADDING = Set.of("valid", "same");
    private static final Set<String> DOWNSAMPLE = Set.of("maxpool", "stride2");

    /** Every hyperparameter this family reads; a spec with any other is refused. */
    static final Set<String> KEYS = keys("blocks", "kernel", "padding", "downsample", "batchNorm", "dropoutConv", "dense", "dropoutDense");

    private static Set<String> keys(String... own) {
        Set<String> keys = ModelFamily.commonKeys();
        keys.addAll(List.of(own));
        return Set.copyOf(keys);
    }

    @Override
    public void validate(Hyperparameters hp, InputShape input) {
        hp.checkKnown(KEYS);
        List<List<Integer>> blocks = blocks(hp);
        hp.check(!blocks.isEmpty() && blocks.stream().allMatch(b -> !b.isEmpty() && b.stream().allMatch(f -> f > 0)),
                "blocks", "give at least one block, each a non-empty list of positive filter counts, e.g. [[32, 64]]");
        hp.check(hp.getInt("kernel") >= 1, "kernel", "must be at least 1");
        hp.check(PADDING.contains(hp.getString("padding")), "padding", "use one of " + PADDING);
        hp.check(DOWNSAMPLE.contains(hp.getString("downsample")), "downsample", "use one of " + DOWNSAMPLE);
        hp.check(hp.getIntList("dense").stream().allMatch(w -> w > 0), "dense", "every dense width must be at least 1");
        hp.check(probability(hp, "dropoutConv"), "dropoutConv", "is the probability of dropping a unit: use [0, 1)");
        hp.check(probability(hp, "dropoutDense"), "dropoutDense", "is the probability of dropping a unit: use [0, 1)");
        Neurons.validate(hp);
        Optimizers.validate(hp);
        hp.check(input.isImage(), "blocks", "a CNN needs images; the spec's data is projected to " + input.width()
                + " features (remove data.pca)");
        int[] size = {input.height(), input.width()};
        for (int b = 0; b < blocks.size(); b++) {
            for (int i = 0; i < blocks.get(b).size(); i++) {
                boolean strided = hp.getString("downsample").equals("stride2") && i == blocks.get(b).size() - 1;
                size = convolved(size, hp.getInt("kernel"), strided ? 2 : 1, hp.getString("padding").equals("same"));
                hp.check(size[0] >= 1 && size[1] >= 1, "blocks", "block " + (b + 1) + " shrinks the " + input
                        + " input below 1×1; use padding \"same\", a smaller kernel or fewer blocks");
            }
            if (hp.getString("downsample").equals("maxpool")) {
                size = new int[] {size[0] / 2, size[1] / 2};
                hp.check(size[0] >= 1 && size[1] >= 1, "blocks", "the pooling after block " + (b + 1)
                        + " shrinks the " + input + " input below 1×1; use padding \"same\" or fewer blocks");
            }
        }
    }

    @Override
    public MultiLayerConfiguration configure(Hyperparameters hp, InputShape input, int classes, long seed, int stepsPerEpoch) {
        NeuralNetConfiguration.ListBuilder layers = ModelFamily.common(hp, seed, stepsPerEpoch)
                .convolutionMode(hp.getString("padding").equals("same") ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                .list();
        boolean batchNorm = hp.getBoolean("batchNorm"), pool = hp.getString("downsample").equals("maxpool");
        int kernel = hp.getInt("kernel");
        for (List<Integer> block : blocks(hp)) {
            for (int i = 0; i < block.size(); i++) {
                int stride = !pool && i == block.size() - 1 ? 2 : 1;
                layers.layer(new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(block.get(i))
                        .activation(batchNorm ? new ActivationIdentity() : Neurons.activation(hp)).build());
                activate(layers, hp, batchNorm);
            }
            if (pool) {
                layers.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2).stride(2, 2).build());
            }
        }
        // DL4J's dropout keeps each unit with the given probability; the spec gives the probability of dropping it.
        double dropConv = hp.getDouble("dropoutConv"), dropDense = hp.getDouble("dropoutDense");
        if (dropConv > 0) layers.layer(new DropoutLayer.Builder(1 - dropConv).build());
        for (int width : hp.getIntList("dense")) {
            layers.layer(new DenseLayer.Builder().nOut(width)
                    .activation(batchNorm ? new ActivationIdentity() : Neurons.activation(hp)).build());
            activate(layers, hp, batchNorm);
            if (dropDense > 0) layers.layer(new DropoutLayer.Builder(1 - dropDense).build());
        }
        layers.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(new ActivationSoftmax()).build());
        // The flat feature rows (channel planes one after another) become channels × height × width images here.
        layers.setInputType(InputType.convolutionalFlat(input.height(), input.width(), input.channels()));
        return layers.build();
    }

    /** With batch norm the layer before was linear: normalise, then apply the activation. */
    private static void activate(NeuralNetConfiguration.ListBuilder layers, Hyperparameters hp, boolean batchNorm) {
        if (!batchNorm) return;
        layers.layer(new BatchNormalization.Builder().build());
        layers.layer(new ActivationLayer.Builder().activation(Neurons.activation(hp)).build());
    }

    private static boolean probability(Hyperparameters hp, String key) {
        double p = hp.getDouble(key);
        return p >= 0 && p < 1;
    }

    /** Output size of a convolution as DL4J computes it (Truncate: floor((in − k) / s) + 1; Same: ceil(in / s)). */
    static int[] convolved(int[] size, int kernel, int stride, boolean same) {
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            out[i] = same ? (size[i] + stride - 1) / stride : size[i] < kernel ? 0 : (size[i] - kernel) / stride + 1;
        }
        return out;
    }

    static List<List<Integer>> blocks(Hyperparameters hp) {
        return hp.getIntLists("blocks");
    }
}
