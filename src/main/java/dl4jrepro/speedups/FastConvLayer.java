package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's convolution layer without the forward convolution its backward pass computes only to feed the activation's
 * derivative, and with faster passes where DL4J's (oneDNN 2.3) is slow.
 *
 * <p>Why the skip: DL4J M2.1's {@code ConvolutionLayer.backpropGradient} starts by convolving the input again (z, to
 * compute δ = σ'(z)·ε). With the identity activation, as every convolution followed by batch norm has here, σ' ignores
 * z and δ is ε: the convolution is wasted, 5.5 % of the MNIST CNN's training step by JFR. For those layers this returns
 * an array of z's shape instead (the identity's backward checks only the shape).
 *
 * <p>Why the backward pass: oneDNN 2.3, as ND4J calls it, picks its Winograd kernels for the 3×3 backward pass on an
 * AVX-512 processor, and they fall far behind a plain im2col and matrix product on some shapes (small maps, wide inputs:
 * where the VGG net of C2 spends most of its step), ahead on others, and at some shapes ahead in one process and
 * behind in the next; the direct kernels of a newer oneDNN (2.5, javacpp's build, {@link DnnlConvolution}) are ahead
 * of both on most of those. So each layer shape's backward pass runs DL4J's own, {@link Im2colConvolution} or
 * {@link DnnlConvolution}, as {@link ConvBackwardKernels} picks: by its rule, or the fastest in this process when timed
 * (conv-backward.md measures the kernels per layer shape, beside the PyTorch twin's; step-profile-c2-cifar-vgg.md
 * found the gap). The forward pass runs {@link DnnlConvolution} too where it loads: the same direct kernels the
 * PyTorch twin runs, where oneDNN 2.3's trailed (conv-backward.md, forward columns). Other layers, double precision
 * and layouts other than NCHW keep DL4J's own code. All compute the same outputs and gradients up to float rounding.
 *
 * <p>Why the first layer differs: oneDNN's backward pass ({@code conv2d_bp}) always computes the gradient with respect
 * to the input as well, which training discards for a network's first layer (its input is the data); with one input
 * channel that part took most of oneDNN's backward time (its own ONEDNN_VERBOSE timings, at C1's first layer). A layer
 * configured without it ({@link FastConv#isInputGradient}, switched off there by {@link Speedups}) computes, in this
 * project's kernels, the weight and bias gradients alone, chosen against oneDNN 2.3's whole pass as above
 * (conv-backward.md, columns "no input gradient").
 */
public class FastConvLayer extends ConvolutionLayer {
    private long skipped;
    private long ownBackward;
    private long ownForward;
    private String forwardKernel;
    /** The kernel of the last backward pass, null before the first. */
    private ConvBackwardKernels.Choice lastChoice;

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Im2colConvolution.Geometry g = epsilon.rank() == 4 ? geometry() : null;
        if (g == null) return super.backpropGradient(epsilon, workspaceMgr);
        boolean inputGradient = ((FastConv) layerConf()).isInputGradient();
        // Timed passes make their arrays outside the workspaces (so they do not size them) and free them at once; the
        // chosen kernel then overwrites every gradient they wrote, so this step's gradients are that kernel's.
        boolean[] timed = {false};
        lastChoice = ConvBackwardKernels.choose(new ConvBackwardKernels.Shape(g, inputGradient), k -> {
            timed[0] = true;
            try (TimingWorkspaceMgr discard = new TimingWorkspaceMgr()) {
                long start = System.nanoTime();
                backward(k, g, inputGradient, epsilon, discard);
                return System.nanoTime() - start;
            }
        });
        if (timed[0]) Im2colConvolution.releaseBuffers();
        if (lastChoice.kernel() != ConvBackwardKernels.Kernel.DL4J) ownBackward++;
        return backward(lastChoice.kernel(), g, inputGradient, epsilon, workspaceMgr);
    }

    private Pair<Gradient, INDArray> backward(ConvBackwardKernels.Kernel kernel, Im2colConvolution.Geometry g,
                                              boolean inputGradient, INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return kernel == ConvBackwardKernels.Kernel.DL4J ? super.backpropGradient(epsilon, workspaceMgr)
                : ownBackward(kernel, g, inputGradient, epsilon, workspaceMgr);
    }

    /** The backward pass through {@link Im2colConvolution} or {@link DnnlConvolution}, which share one contract. */
    private Pair<Gradient, INDArray> ownBackward(ConvBackwardKernels.Kernel kernel, Im2colConvolution.Geometry g,
                                                 boolean inputGradient, INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        IActivation afn = layerConf().getActivationFn();
        INDArray delta = afn instanceof ActivationIdentity ? epsilon
                : afn.backprop(preOutput(true, true, workspaceMgr).getFirst(), epsilon).getFirst();
        INDArray gradW = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray gradB = layerConf().hasBias() ? gradientViews.get(ConvolutionParamInitializer.BIAS_KEY) : null;
        INDArray epsilonBelow = inputGradient
                ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c') : null;
        INDArray x = input.castTo(dataType), weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        if (kernel == ConvBackwardKernels.Kernel.DNNL) DnnlConvolution.backward(g, x, weights, delta, gradW, gradB, epsilonBelow);
        else Im2colConvolution.backward(g, x, weights, delta, gradW, gradB, epsilonBelow);
        Gradient gradient = new DefaultGradient();
        if (gradB != null) gradient.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, gradB);
        gradient.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, gradW, 'c');
        weightNoiseParams.clear();
        // No input gradient: DL4J's own layers without one (its embedding layer) hand on null, as training drops it.
        return new Pair<>(gradient, epsilonBelow == null ? null : backpropDropOutIfPresent(epsilonBelow));
    }

    /** The kernel of this layer's last backward pass and how it was chosen, or null before its first. */
    public ConvBackwardKernels.Choice backwardChoice() {
        return lastChoice;
    }

    /**
     * The layer's shapes when this project's kernels can compute it (NCHW, float, no dilation or weight noise), else
     * null.
     */
    private Im2colConvolution.Geometry geometry() {
        assertInputSet(true);
        if (input.rank() != 4 || dataType != DataType.FLOAT
                || layerConf().getCnn2dDataFormat() != CNN2DFormat.NCHW || layerConf().getWeightNoise() != null
                || layerConf().getDilation()[0] != 1 || layerConf().getDilation()[1] != 1) {
            return null;
        }
        INDArray weights = getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        validateInputDepth(weights.size(1));
        return Im2colConvolution.Geometry.of(input, weights, layerConf().getStride(), layerConf().getPadding(), convolutionMode);
    }

    /** Backward passes that ran {@link Im2colConvolution} or {@link DnnlConvolution} rather than DL4J's own. */
    public long ownBackwardPasses() {
        return ownBackward;
    }

    public FastConvLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * The forward pass that feeds the activation (DL4J's {@code activate}) through {@link DnnlConvolution} where it
     * loads; the backward pass's own call (forBackprop) stays DL4J's, as its kernels read what it returns.
     */
    @Override
    protected Pair<INDArray, INDArray> preOutput(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
        Im2colConvolution.Geometry g = forBackprop || !DnnlConvolution.available() ? null : geometry();
        if (g == null) {
            if (!forBackprop) forwardKernel = ConvBackwardKernels.Kernel.DL4J.label();
            return super.preOutput(training, forBackprop, workspaceMgr);
        }
        forwardKernel = ConvBackwardKernels.Kernel.DNNL.label();
        INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, g.outputShape(), 'c');
        DnnlConvolution.forward(g, input, getParam(ConvolutionParamInitializer.WEIGHT_KEY),
                layerConf().hasBias() ? getParam(ConvolutionParamInitializer.BIAS_KEY) : null, z);
        ownForward++;
        return new Pair<>(z, null);
    }

    /** Forward passes that ran {@link DnnlConvolution} rather than DL4J's own. */
    public long ownForwardPasses() {
        return ownForward;
    }

    /** The kernel of this layer's last forward pass, or null before its first. */
    public String forwardKernel() {
        return forwardKernel;
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
