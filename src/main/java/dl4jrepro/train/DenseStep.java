package dl4jrepro.train;

import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One training step of a small fully connected regression net (dense layers, an identity output trained on MSE, L2 on
 * weights and biases, any updater) as DL4J's {@code fit} computes it, in plain Java loops over the network's own
 * parameter, gradient and updater-state arrays. DL4J spends about 40 µs of fixed overhead on each of the ~40 ND4J ops
 * of a step whatever their size (a JFR profile: shape buffers, deallocator bookkeeping), so the report's 1-16-64-1 SELU
 * net (1,185 parameters) trained at a tenth of PyTorch's speed; its whole step is ~0.2 MFLOP, microseconds of loops.
 *
 * <p>Same arithmetic, steps and float precision as DL4J's, only the sums in another order: forward pass, MSE gradient
 * 2(ŷ−y)/nOut, sums over the minibatch divided by its size, then c·w of each L2 term added, then the updater's own
 * {@code applyUpdater} (so its state stays DL4J's, and checkpoints and ModelSerializer see an ordinary network), then
 * params −= update; the score is the mean loss plus ½c‖w‖² per L2 term. The network's iteration count advances as
 * {@code fit}'s does.
 */
public final class SmallDenseStep {
    private final MultiLayerNetwork net;
    private final Layer[] layers;
    private final List<UpdaterBlock> blocks;
    private final float[][] activations;   // per layer input (0) and outputs, one batch
    private final float[][] deltas;
    private final float[] params;
    private final float[] gradients;
    private float[] target;
    private int allocatedRows = -1;

    private record Layer(int nIn, int nOut, int wOffset, int bOffset, Activation activation, double l2W, double l2B) {}

    private SmallDenseStep(MultiLayerNetwork net, Layer[] layers, List<UpdaterBlock> blocks) {
        this.net = net;
        this.layers = layers;
        this.blocks = blocks;
        this.activations = new float[layers.length + 1][];
        this.deltas = new float[layers.length][];
        this.params = new float[(int) net.numParams()];
        this.gradients = new float[params.length];
    }

    /**
     * The step for this network, or empty when it has a layer, loss, regularization, data type or training option
     * (dropout, gradient clipping, layer norm, ...) the loops lack: such a net keeps DL4J's fit.
     */
    public static Optional<SmallDenseStep> of(MultiLayerNetwork net) {
        MultiLayerConfiguration whole = net.getLayerWiseConfigurations();
        if (whole.getDataType() != DataType.FLOAT || !whole.getInputPreProcessors().isEmpty()
                || whole.getBackpropType() != BackpropType.Standard) return Optional.empty();
        int n = net.getnLayers();
        Layer[] layers = new Layer[n];
        int offset = 0;
        for (int i = 0; i < n; i++) {
            NeuralNetConfiguration layerConf = net.getLayer(i).conf();
            // fit's other paths: no minibatch averaging, maximising, another optimiser, gradient clipping
            if (!layerConf.isMiniBatch() || !layerConf.isMinimize()
                    || layerConf.getOptimizationAlgo() != OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT) {
                return Optional.empty();
            }
            var conf = layerConf.getLayer();
            boolean output = i == n - 1;
            if (output ? !(conf instanceof OutputLayer o && o.getLossFn() instanceof LossMSE mse && mse.getWeights() == null)
                    : !(conf instanceof DenseLayer)) return Optional.empty();
            BaseLayer base = (BaseLayer) conf;
            boolean plain = conf instanceof DenseLayer dense ? dense.hasBias() && !dense.hasLayerNorm()
                    : ((OutputLayer) conf).hasBias();
            boolean clipped = base.getGradientNormalization() != null
                    && base.getGradientNormalization() != GradientNormalization.None;
            Optional<Activation> activation = Activation.of(base.getActivationFn());
            if (base.getIDropout() != null || base.getWeightNoise() != null || !plain || clipped
                    || activation.isEmpty() || output && activation.get() != Activation.IDENTITY) return Optional.empty();
            Optional<Double> l2W = l2(base.getRegularization()), l2B = l2(base.getRegularizationBias());
            if (l2W.isEmpty() || l2B.isEmpty()) return Optional.empty();
            int nIn = (int) ((FeedForwardLayer) conf).getNIn(), nOut = (int) ((FeedForwardLayer) conf).getNOut();
            layers[i] = new Layer(nIn, nOut, offset, offset + nIn * nOut, activation.get(), l2W.get(), l2B.get());
            offset += nIn * nOut + nOut;
        }
        if (offset != net.numParams()) return Optional.empty();
        if (!(net.getUpdater() instanceof BaseMultiLayerUpdater<?> updater)) return Optional.empty();
        if (net.getGradientsViewArray() == null) net.initGradientsView();
        return Optional.of(new SmallDenseStep(net, layers, new ArrayList<>(updater.getUpdaterBlocks())));
    }

    /** The constant coefficient of a regularization list that is only L2 (0 for none); empty for anything else. */
    private static Optional<Double> l2(List<Regularization> regs) {
        double c = 0;
        for (Regularization r : regs == null ? List.<Regularization>of() : regs) {
            if (!(r instanceof L2Regularization l2)) return Optional.empty();
            c += l2.getL2().valueAt(0, 0);
            if (l2.getL2().valueAt(1_000_000, 1_000) != l2.getL2().valueAt(0, 0)) return Optional.empty();
        }
        return Optional.of(c);
    }

    /** One update on this minibatch, as {@code net.fit(x, y)}; the score is left in {@code net.score()}. */
    public void fit(INDArray x, INDArray y) {
        int rows = (int) x.rows();
        if (rows != allocatedRows) allocate(rows);
        FloatBuffer paramBuffer = buffer(net.params()), gradientBuffer = buffer(net.getGradientsViewArray());
        paramBuffer.get(paramBuffer.position(), params, 0, params.length);
        copyRows(x, activations[0]);
        for (int l = 0; l < layers.length; l++) forward(layers[l], activations[l], activations[l + 1], rows);

        // MSE: mean over outputs and examples; its gradient per example 2(ŷ−y)/nOut, summed (then divided) over rows
        Layer last = layers[layers.length - 1];
        float[] out = activations[layers.length], d = deltas[layers.length - 1];
        copyRows(y, target);
        double loss = 0;
        for (int i = 0; i < out.length; i++) {
            float diff = out[i] - target[i];
            loss += (double) diff * diff;
            d[i] = 2 * diff / last.nOut;
        }
        double score = loss / last.nOut / rows;

        Arrays.fill(gradients, 0);
        for (int l = layers.length - 1; l >= 0; l--) backward(l, rows);
        for (Layer layer : layers) {
            score += regularize(layer.wOffset, layer.nIn * layer.nOut, layer.l2W, rows);
            score += regularize(layer.bOffset, layer.nOut, layer.l2B, rows);
        }
        gradientBuffer.put(gradientBuffer.position(), gradients, 0, gradients.length);
        int iteration = net.getIterationCount(), epoch = net.getEpochCount();
        for (UpdaterBlock block : blocks) block.getGradientUpdater().applyUpdater(block.getGradientView(), iteration, epoch);
        gradientBuffer.get(gradientBuffer.position(), gradients, 0, gradients.length);
        for (int i = 0; i < params.length; i++) params[i] -= gradients[i];
        paramBuffer.put(paramBuffer.position(), params, 0, params.length);
        net.setScore(score);
        net.setIterationCount(iteration + 1);
    }

    private void allocate(int rows) {
        activations[0] = new float[rows * layers[0].nIn];
        for (int l = 0; l < layers.length; l++) {
            activations[l + 1] = new float[rows * layers[l].nOut];
            deltas[l] = new float[rows * layers[l].nOut];
        }
        target = new float[rows * layers[layers.length - 1].nOut];
        allocatedRows = rows;
    }

    /** out = act(in·W + b), row-major rows; W is DL4J's column-major nIn × nOut view of the flat parameters. */
    private void forward(Layer layer, float[] in, float[] out, int rows) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < layer.nOut; j++) {
                float z = params[layer.bOffset + j];
                int w = layer.wOffset + j * layer.nIn, i = r * layer.nIn;
                for (int k = 0; k < layer.nIn; k++) z += in[i + k] * params[w + k];
                out[r * layer.nOut + j] = layer.activation.apply(z);
            }
        }
    }

    /**
     * Turns deltas[l] (dL/d output of layer l) into dL/dz in place, adds up the weight and bias gradients over the
     * rows, and, above the first layer, writes the lower layer's dL/d output.
     */
    private void backward(int l, int rows) {
        Layer layer = layers[l];
        float[] in = activations[l], out = activations[l + 1], d = deltas[l], below = l == 0 ? null : deltas[l - 1];
        for (int i = 0; i < d.length; i++) d[i] *= layer.activation.derivative(out[i]);
        if (below != null) Arrays.fill(below, 0);
        for (int r = 0; r < rows; r++) {
            int i = r * layer.nIn;
            for (int j = 0; j < layer.nOut; j++) {
                float dj = d[r * layer.nOut + j];
                gradients[layer.bOffset + j] += dj;
                int w = layer.wOffset + j * layer.nIn;
                for (int k = 0; k < layer.nIn; k++) gradients[w + k] += in[i + k] * dj;
                if (below != null) for (int k = 0; k < layer.nIn; k++) below[i + k] += dj * params[w + k];
            }
        }
    }

    /** Gradient sum → mean over the minibatch, plus c·w; returns the L2 term's score ½c‖w‖². */
    private double regularize(int from, int count, double c, int rows) {
        double sumSq = 0;
        float cf = (float) c;
        for (int i = from; i < from + count; i++) {
            gradients[i] /= rows;
            if (c != 0) {
                gradients[i] += cf * params[i];
                sumSq += (double) params[i] * params[i];
            }
        }
        return 0.5 * c * sumSq;
    }

    /** The activations the loops compute, each with its derivative written in terms of its output alone. */
    private enum Activation {
        IDENTITY {
            float apply(float z) { return z; }
            float derivative(float out) { return 1; }
        },
        RELU {
            float apply(float z) { return z > 0 ? z : 0; }
            float derivative(float out) { return out > 0 ? 1 : 0; }
        },
        SIGMOID {
            float apply(float z) { return 1f / (1f + (float) Math.exp(-z)); }
            float derivative(float out) { return out * (1 - out); }
        },
        TANH {
            float apply(float z) { return (float) Math.tanh(z); }
            float derivative(float out) { return 1 - out * out; }
        },
        SELU {
            // libnd4j's constants
            static final float LAMBDA = 1.0507009873554804934193349852946f;
            static final float ALPHA = 1.6732632423543772848170429916717f;
            float apply(float z) { return z > 0 ? LAMBDA * z : LAMBDA * ALPHA * ((float) Math.exp(z) - 1); }
            float derivative(float out) { return out > 0 ? LAMBDA : out + LAMBDA * ALPHA; }
        };

        abstract float apply(float z);

        abstract float derivative(float out);

        /** DL4J's activation as one of these, or empty when the loops lack it. */
        static Optional<Activation> of(IActivation a) {
            if (a instanceof ActivationIdentity) return Optional.of(IDENTITY);
            if (a instanceof ActivationReLU) return Optional.of(RELU);
            if (a instanceof ActivationSigmoid) return Optional.of(SIGMOID);
            if (a instanceof ActivationTanH) return Optional.of(TANH);
            if (a instanceof ActivationSELU) return Optional.of(SELU);
            return Optional.empty();
        }
    }

    private static FloatBuffer buffer(INDArray a) {
        if (a.elementWiseStride() != 1 || a.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("expected a contiguous float array, got " + a.shapeInfoToString());
        }
        return a.data().asNioFloat();
    }

    private static void copyRows(INDArray a, float[] to) {
        INDArray c = a.dataType() == DataType.FLOAT && a.ordering() == 'c' && a.elementWiseStride() == 1 ? a
                : a.castTo(DataType.FLOAT).dup('c');
        FloatBuffer b = c.data().asNioFloat();
        b.get(b.position(), to, 0, to.length);
    }
}
