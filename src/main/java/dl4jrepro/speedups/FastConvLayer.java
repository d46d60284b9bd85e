package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's convolution layer without the forward convolution its backward pass computes only to feed the activation's
 * derivative.
 *
 * <p>Why: DL4J M2.1's {@code ConvolutionLayer.backpropGradient} starts by convolving the input again (z, to compute
 * δ = σ'(z)·ε). With the identity activation, as every convolution followed by batch norm has here, σ' ignores z and δ
 * is ε: the convolution is wasted, 5.5 % of the MNIST CNN's training step by JFR. For those layers this returns an
 * array of z's shape instead (the identity's backward checks only the shape); every other case runs DL4J's own code.
 */
public class FastConvLayer extends ConvolutionLayer {
    private long skipped;

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
