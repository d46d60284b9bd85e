package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's convolution layer without the forward convolution its backward pass computes only to feed the activation's
 * derivative.
 *
 * <p>Why: DL4J M2.1's {@code ConvolutionLayer.backpropGradient} starts by convolving the input again (z, to compute
 * δ = σ'(z)·ε). With the identity activation, as every convolution followed by batch norm has here, σ' ignores z and δ
 * is ε: the convolution is wasted, 5.5 % of the MNIST CNN's training step by JFR. For those layers this returns an
 * array of z's shape instead (the identity's backward checks only the shape); every other case runs DL4J's own code.
 *
 * <p>Its backward pass on small feature maps (at most {@link #SMALL_MAP} outputs per map) runs libnd4j's own
 * {@code conv2d_bp} (im2col and BLAS) instead of oneDNN's. Why: oneDNN 2.3, as ND4J calls it, picks its Winograd
 * kernels for the 3×3 backward pass on an AVX-512 processor, and they are far slower than im2col on maps of 4×4 and
 * 2×2, where the VGG net of C2 spent most of its step (results/benchmarks/conv-backward.md measures both per layer
 * shape; results/benchmarks/step-profile-c1-mnist-cnn-c2-cifar-vgg.md found the gap). Larger maps keep oneDNN, which
 * is faster there. Both compute the same gradients up to float rounding.
 */
public class FastConvLayer extends ConvolutionLayer {
    /** The largest output map (height × width) whose backward pass runs libnd4j's own kernel. */
    public static final long SMALL_MAP = 16;

    private long skipped;
    private long ownBackward;

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (epsilon.rank() != 4 || layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW
                || epsilon.size(2) * epsilon.size(3) > SMALL_MAP) {
            return super.backpropGradient(epsilon, workspaceMgr);
        }
        enterOwnKernel();
        try {
            ownBackward++;
            return super.backpropGradient(epsilon, workspaceMgr);
        } finally {
            leaveOwnKernel();
        }
    }

    // ND4J's helper switch is one per process, and trials may train side by side in one JVM (a Spark executor's
    // tasks): the first thread in turns the helpers off, the last one out restores what was there before, so one
    // thread's restore never leaves them off for good. Another thread's convolution meanwhile also runs the own kernel,
    // the same gradients up to float rounding.
    private static int threadsInOwnKernel;
    private static boolean helpersBefore;

    private static synchronized void enterOwnKernel() {
        Environment environment = Nd4j.getEnvironment();
        if (threadsInOwnKernel++ == 0) {
            helpersBefore = environment.helpersAllowed();
            environment.allowHelpers(false);
        }
    }

    private static synchronized void leaveOwnKernel() {
        if (--threadsInOwnKernel == 0) Nd4j.getEnvironment().allowHelpers(helpersBefore);
    }

    /** Backward passes that ran libnd4j's own convolution kernel rather than oneDNN's (small maps). */
    public long ownKernelBackwardPasses() {
        return ownBackward;
    }

    public FastConvLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        if (!forBackprop || !(layerConf().getActivationFn() instanceof ActivationIdentity)
                || layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW || input.rank() != 4) {
            return super.preOutput4d(training, forBackprop, workspaceMgr);
        }
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        int[] out = ConvolutionUtils.getOutputSize(input, layerConf().getKernelSize(), layerConf().getStride(),
                convolutionMode == ConvolutionMode.Same ? null : layerConf().getPadding(), convolutionMode,
                layerConf().getDilation(), CNN2DFormat.NCHW);
        skipped++;
        // No im2col either: DL4J's fallback path recomputes it when it is null.
        return new Pair<>(workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[] {input.size(0), weights.size(0), out[0], out[1]}, 'c'), null);
    }

    /** Backward passes that skipped the forward convolution. */
    public long skippedForwardPasses() {
        return skipped;
    }
}
