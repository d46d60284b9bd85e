package dl4jrepro.speedups;

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
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One training step of a fully connected net (dense layers; an identity output trained on MSE or a softmax output on
 * cross-entropy; L2 on weights and biases; any updater) as DL4J's {@code fit} computes it, with every ND4J op that is
 * not a large matrix product replaced by plain Java loops over the network's own parameter, gradient and
 * updater-state arrays.
 *
 * <p>Why: DL4J spends tens of µs of fixed cost on each of the ~40 ND4J ops of a step whatever their size (a JFR
 * profile: shape buffers, deallocator bookkeeping, op contexts). The report's 1-16-64-1 SELU net (a ~0.2 MFLOP step)
 * trained at a tenth of PyTorch's speed; on the 3072-50-10 net a profile put 40 % of the step outside the matrix
 * products. So a layer with a small product (under {@link #BLAS_MULTIPLY_ADDS}) multiplies in Java loops, and a
 * larger one calls BLAS through ND4J for its products only (x·W, xᵀ·δ into the gradient view, δ·Wᵀ except below the
 * first layer); everything else (bias, activation, loss, sums over the minibatch) is loops over the activations.
 *
 * <p>Same arithmetic, steps and float precision as DL4J's, only the sums in another order: forward pass, the loss's
 * gradient (MSE: 2(ŷ−y)/nOut; softmax cross-entropy: p−y), sums over the minibatch divided by its size, then c·w of
 * each L2 term added, then the updater's own {@code applyUpdater} (so its state stays DL4J's, and checkpoints and
 * ModelSerializer see an ordinary network), then params −= update; the score is the mean loss plus ½c‖w‖² per L2
 * term. The network's iteration count advances as {@code fit}'s does.
 */
public final class DenseStep {
    /**
     * A layer whose product (rows × nIn × nOut) has at least this many multiply-adds goes through BLAS. Below it a
     * BLAS call's fixed cost (tens of µs) exceeds the loops' time: the regression net's 16×64 layer at batch 50 is
     * 51k multiply-adds, ~20 µs of loops. The 3072-50-10 net's output layer at batch 200 (100k) trained a few per cent
     * faster through BLAS than in loops (three alternating pairs, noisy).
     */
    static final long BLAS_MULTIPLY_ADDS = 1 << 16;

    private final MultiLayerNetwork net;
    private final Layer[] layers;
    private final Loss loss;
    private final List<UpdaterBlock> blocks;
    private final float[][] activations;   // per layer input (0) and outputs, one batch
    private final float[][] deltas;
    // Mirrors of the flat parameter and gradient arrays, except a BLAS layer's weights, which stay in ND4J.
    private final float[] params;
    private final float[] gradients;
    private final boolean[] blas;          // per layer, for the current minibatch size
    private int[][] mirrored;              // {offset, length} of each range the mirrors hold
    private final INDArray[] staged;       // a BLAS layer's input (above the first layer), deltas and lower deltas
    private final INDArray[] stagedDeltas;
    private final INDArray[] stagedBelow;
    private final INDArray[] products;     // a BLAS layer's x·W
    private INDArray input;                // this step's minibatch, as a float array
    private float[] target;
    private int allocatedRows = -1;

    /** A layer; {@code w} and {@code gradW} are DL4J's column-major nIn × nOut views, for its BLAS products. */
    private record Layer(int nIn, int nOut, int wOffset, int bOffset, Activation activation, double l2W, double l2B,
                         INDArray w, INDArray gradW) {}

    private DenseStep(MultiLayerNetwork net, Layer[] layers, Loss loss, List<UpdaterBlock> blocks) {
        this.net = net;
        this.layers = layers;
        this.loss = loss;
        this.blocks = blocks;
        int n = layers.length;
        this.activations = new float[n + 1][];
        this.deltas = new float[n][];
        this.params = new float[(int) net.numParams()];
        this.gradients = new float[params.length];
        this.blas = new boolean[n];
        this.staged = new INDArray[n];
        this.stagedDeltas = new INDArray[n];
        this.stagedBelow = new INDArray[n];
        this.products = new INDArray[n];
    }

    /**
     * The step for this network, or empty when it has a layer, loss, regularization, data type or training option
     * (dropout, gradient clipping, layer norm, ...) the step lacks: such a net keeps DL4J's fit.
     */
    public static Optional<DenseStep> of(MultiLayerNetwork net) {
        MultiLayerConfiguration whole = net.getLayerWiseConfigurations();
        if (whole.getDataType() != DataType.FLOAT || !whole.getInputPreProcessors().isEmpty()
                || whole.getBackpropType() != BackpropType.Standard) return Optional.empty();
        if (net.getGradientsViewArray() == null) net.initGradientsView();
        int n = net.getnLayers();
        Layer[] layers = new Layer[n];
        Loss loss = null;
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
            if (output ? !(conf instanceof OutputLayer) : !(conf instanceof DenseLayer)) return Optional.empty();
            BaseLayer base = (BaseLayer) conf;
            boolean plain = conf instanceof DenseLayer dense ? dense.hasBias() && !dense.hasLayerNorm()
                    : ((OutputLayer) conf).hasBias();
            boolean clipped = base.getGradientNormalization() != null
                    && base.getGradientNormalization() != GradientNormalization.None;
            if (base.getIDropout() != null || base.getWeightNoise() != null || !plain || clipped) return Optional.empty();
            Optional<Activation> activation;
            if (output) {
                // The loss owns the output's activation: the layer itself passes z on.
                loss = Loss.of(((OutputLayer) conf).getLossFn(), base.getActivationFn()).orElse(null);
                if (loss == null) return Optional.empty();
                activation = Optional.of(Activation.IDENTITY);
            } else {
                activation = Activation.of(base.getActivationFn());
            }
            Optional<Double> l2W = l2(base.getRegularization()), l2B = l2(base.getRegularizationBias());
            if (activation.isEmpty() || l2W.isEmpty() || l2B.isEmpty()) return Optional.empty();
            int nIn = (int) ((FeedForwardLayer) conf).getNIn(), nOut = (int) ((FeedForwardLayer) conf).getNOut();
            INDArray w = net.getLayer(i).getParam(DefaultParamInitializer.WEIGHT_KEY);
            INDArray gradW = matrixView(net.getGradientsViewArray(), offset, nIn, nOut);
            layers[i] = new Layer(nIn, nOut, offset, offset + nIn * nOut, activation.get(), l2W.get(), l2B.get(), w, gradW);
            offset += nIn * nOut + nOut;
        }
        if (offset != net.numParams()) return Optional.empty();
        if (!(net.getUpdater() instanceof BaseMultiLayerUpdater<?> updater)) return Optional.empty();
        return Optional.of(new DenseStep(net, layers, loss, new ArrayList<>(updater.getUpdaterBlocks())));
    }

    /** The column-major nIn × nOut matrix at {@code offset} of a flat array, sharing its memory. */
    private static INDArray matrixView(INDArray flat, int offset, int nIn, int nOut) {
        return flat.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(offset, offset + (long) nIn * nOut))
                .reshape('f', nIn, nOut);
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
        for (int[] r : mirrored) paramBuffer.get(paramBuffer.position() + r[0], params, r[0], r[1]);
        input = x.dataType() == DataType.FLOAT ? x : x.castTo(DataType.FLOAT);
        if (!blas[0]) JavaArrays.readInto(input, activations[0]);
        for (int l = 0; l < layers.length; l++) {
            if (blas[l]) forwardBlas(l, rows);
            else forward(layers[l], activations[l], activations[l + 1], rows);
        }

        JavaArrays.readInto(y, target);
        int last = layers.length - 1;
        double score = loss.apply(activations[last + 1], target, deltas[last], layers[last].nOut) / rows;

        for (int[] r : mirrored) Arrays.fill(gradients, r[0], r[0] + r[1], 0);
        for (int l = layers.length - 1; l >= 0; l--) {
            if (blas[l]) backwardBlas(l, rows);
            else backward(l, rows);
        }
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            score += blas[l] ? regularizeBlas(layer)
                    : regularize(layer.wOffset, layer.nIn * layer.nOut, layer.l2W, rows);
            score += regularize(layer.bOffset, layer.nOut, layer.l2B, rows);
        }
        for (int[] r : mirrored) gradientBuffer.put(gradientBuffer.position() + r[0], gradients, r[0], r[1]);
        int iteration = net.getIterationCount(), epoch = net.getEpochCount();
        for (UpdaterBlock block : blocks) block.getGradientUpdater().applyUpdater(block.getGradientView(), iteration, epoch);
        for (int[] r : mirrored) {
            gradientBuffer.get(gradientBuffer.position() + r[0], gradients, r[0], r[1]);
            for (int i = r[0]; i < r[0] + r[1]; i++) params[i] -= gradients[i];
            paramBuffer.put(paramBuffer.position() + r[0], params, r[0], r[1]);
        }
        for (int l = 0; l < layers.length; l++) if (blas[l]) layers[l].w.subi(layers[l].gradW);
        net.setScore(score);
        net.setIterationCount(iteration + 1);
        input = null;
    }

    private void allocate(int rows) {
        activations[0] = new float[rows * layers[0].nIn];
        mirrored = new int[layers.length][];
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            activations[l + 1] = new float[rows * layer.nOut];
            deltas[l] = new float[rows * layer.nOut];
            blas[l] = (long) rows * layer.nIn * layer.nOut >= BLAS_MULTIPLY_ADDS;
            // The mirrors hold what the loops touch: a BLAS layer's weights stay in ND4J.
            mirrored[l] = blas[l] ? new int[] {layer.bOffset, layer.nOut}
                    : new int[] {layer.wOffset, layer.nIn * layer.nOut + layer.nOut};
            if (blas[l]) {
                products[l] = Nd4j.createUninitialized(DataType.FLOAT, rows, layer.nOut);
                stagedDeltas[l] = Nd4j.createUninitialized(DataType.FLOAT, rows, layer.nOut);
                if (l > 0) {
                    staged[l] = Nd4j.createUninitialized(DataType.FLOAT, rows, layer.nIn);
                    stagedBelow[l] = Nd4j.createUninitialized(DataType.FLOAT, rows, layer.nIn);
                }
            }
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
                out[r * layer.nOut + j] = z;
            }
        }
        layer.activation.activate(out);
    }

    /** The same through one BLAS product: x·W into ND4J, then bias and activation in the loops. */
    private void forwardBlas(int l, int rows) {
        Layer layer = layers[l];
        if (l > 0) JavaArrays.write(activations[l], staged[l]);
        Nd4j.gemm(blasInput(l), layer.w, products[l], false, false, 1.0, 0.0);
        float[] out = activations[l + 1];
        JavaArrays.readInto(products[l], out);
        for (int r = 0; r < rows; r++) {
            for (int j = 0, o = r * layer.nOut; j < layer.nOut; j++) out[o + j] += params[layer.bOffset + j];
        }
        layer.activation.activate(out);
    }

    /** A BLAS layer's input: the minibatch itself for the first layer, else the activations below as staged. */
    private INDArray blasInput(int l) {
        return l == 0 ? input : staged[l];
    }

    /**
     * Turns deltas[l] (dL/d output of layer l) into dL/dz in place, adds up the weight and bias gradients over the
     * rows, and, above the first layer, writes the lower layer's dL/d output.
     */
    private void backward(int l, int rows) {
        Layer layer = layers[l];
        float[] in = activations[l], d = deltas[l], below = l == 0 ? null : deltas[l - 1];
        layer.activation.backprop(activations[l + 1], deltas[l]);
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

    /** The same with the two products through BLAS: xᵀ·δ straight into the gradient view, δ·Wᵀ for the layer below. */
    private void backwardBlas(int l, int rows) {
        Layer layer = layers[l];
        float[] d = deltas[l];
        layer.activation.backprop(activations[l + 1], deltas[l]);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < layer.nOut; j++) gradients[layer.bOffset + j] += d[r * layer.nOut + j];
        }
        JavaArrays.write(d, stagedDeltas[l]);
        // alpha 1/rows: the mean over the minibatch straight from the product, where DL4J divides the sum after
        Nd4j.gemm(blasInput(l), stagedDeltas[l], layer.gradW, true, false, 1.0 / rows, 0.0);
        if (l > 0) {
            Nd4j.gemm(stagedDeltas[l], layer.w, stagedBelow[l], false, true, 1.0, 0.0);
            JavaArrays.readInto(stagedBelow[l], deltas[l - 1]);
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

    /**
     * {@link #regularize} for a BLAS layer's weights, which stay in ND4J (their product already took the mean). ‖w‖²
     * is BLAS's dot product of w with itself, not ND4J's norm2, whose reduction ran several times slower than the
     * whole axpy on the largest A4 net's weights; both sum in single precision, in different orders.
     */
    private static double regularizeBlas(Layer layer) {
        if (layer.l2W == 0) return 0;
        Nd4j.getBlasWrapper().level1().axpy(layer.w.length(), layer.l2W, layer.w, layer.gradW);
        return 0.5 * layer.l2W * Nd4j.getBlasWrapper().level1().dot(layer.w.length(), 1.0, layer.w, layer.w);
    }

    /** The output's loss together with its activation. */
    private sealed interface Loss {
        /**
         * Applies the output activation to {@code out} in place and writes dL/dz of each example into {@code d};
         * returns the loss summed over the minibatch.
         */
        double apply(float[] out, float[] target, float[] d, int nOut);

        /** DL4J's loss and output activation as one of these, or empty when the step lacks them. */
        static Optional<Loss> of(ILossFunction loss, IActivation activation) {
            if (loss instanceof LossMSE mse && mse.getWeights() == null && activation instanceof ActivationIdentity) {
                return Optional.of(new MeanSquaredError());
            }
            if (loss instanceof LossMCXENT xent && xent.getWeights() == null && activation instanceof ActivationSoftmax) {
                return Optional.of(new SoftmaxCrossEntropy(xent.getSoftmaxClipEps()));
            }
            return Optional.empty();
        }
    }

    /** Identity output, squared error averaged over the outputs: dL/dŷ = 2(ŷ−y)/nOut. */
    private record MeanSquaredError() implements Loss {
        @Override
        public double apply(float[] out, float[] target, float[] d, int nOut) {
            double loss = 0;
            for (int i = 0; i < out.length; i++) {
                float diff = out[i] - target[i];
                loss += (double) diff * diff;
                d[i] = 2 * diff / nOut;
            }
            return loss / nOut;
        }
    }

    /** Softmax output, cross-entropy: dL/dz = p−y; the score clips p to [eps, 1−eps] as DL4J's LossMCXENT does. */
    private record SoftmaxCrossEntropy(double clipEps) implements Loss {
        @Override
        public double apply(float[] out, float[] target, float[] d, int nOut) {
            double loss = 0;
            for (int from = 0; from < out.length; from += nOut) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = from; j < from + nOut; j++) max = Math.max(max, out[j]);
                double sum = 0;
                for (int j = from; j < from + nOut; j++) {
                    out[j] = (float) Math.exp(out[j] - max);
                    sum += out[j];
                }
                for (int j = from; j < from + nOut; j++) {
                    float p = (float) (out[j] / sum);
                    out[j] = p;
                    d[j] = p - target[j];
                    if (target[j] != 0) loss -= target[j] * Math.log(Math.min(Math.max(p, clipEps), 1 - clipEps));
                }
            }
            return loss;
        }
    }

    /**
     * The activations the loops compute, each with its derivative written in terms of its output alone. Each works on
     * a whole array in a loop of its own, so the JIT inlines (and where it can, vectorises) the arithmetic.
     */
    private enum Activation {
        IDENTITY {
            void activate(float[] a) {}
            void backprop(float[] out, float[] d) {}
        },
        RELU {
            void activate(float[] a) {
                for (int i = 0; i < a.length; i++) a[i] = relu(a[i]);
            }
            void backprop(float[] out, float[] d) {
                for (int i = 0; i < d.length; i++) d[i] = reluGate(out[i], d[i]);
            }
        },
        SIGMOID {
            void activate(float[] a) {
                for (int i = 0; i < a.length; i++) a[i] = 1f / (1f + (float) Math.exp(-a[i]));
            }
            void backprop(float[] out, float[] d) {
                for (int i = 0; i < d.length; i++) d[i] *= out[i] * (1 - out[i]);
            }
        },
        TANH {
            void activate(float[] a) {
                for (int i = 0; i < a.length; i++) a[i] = (float) Math.tanh(a[i]);
            }
            void backprop(float[] out, float[] d) {
                for (int i = 0; i < d.length; i++) d[i] *= 1 - out[i] * out[i];
            }
        },
        SELU {
            // libnd4j's constants
            static final float LAMBDA = 1.0507009873554804934193349852946f;
            static final float ALPHA = 1.6732632423543772848170429916717f;

            void activate(float[] a) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = a[i] > 0 ? LAMBDA * a[i] : LAMBDA * ALPHA * ((float) Math.exp(a[i]) - 1);
                }
            }
            void backprop(float[] out, float[] d) {
                for (int i = 0; i < d.length; i++) d[i] *= out[i] > 0 ? LAMBDA : out[i] + LAMBDA * ALPHA;
            }
        };

        /** z → act(z), in place. */
        abstract void activate(float[] a);

        /** dL/d output → dL/dz in place, from the outputs. */
        abstract void backprop(float[] out, float[] d);

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

    /**
     * DL4J's ReLU, {@code v > 0 ? v : 0} (NaN and −0 give +0), in integer operations on v's bits. Why not the
     * comparison: on floats the JIT compiles it to a branch, not a conditional move, and a layer's pre-activations are
     * positive about half the time at random, so the loop ran at the speed of mispredicted branches. v > 0 exactly
     * when its bits, as an int, lie in [1, bits of +∞]; the mask is all ones outside that range.
     */
    static float relu(float v) {
        int bits = Float.floatToRawIntBits(v);
        return Float.intBitsToFloat(bits & ~notPositive(bits));
    }

    /** ReLU's backward pass, {@code out > 0 ? d : 0}, the same way as {@link #relu}. */
    static float reluGate(float out, float d) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(d) & ~notPositive(Float.floatToRawIntBits(out)));
    }

    /** All ones when the float of these bits is not > 0 (zero, negative or NaN), else zero. */
    private static int notPositive(int bits) {
        return ((bits - 1) | (0x7F800000 - bits)) >> 31;
    }

    private static FloatBuffer buffer(INDArray a) {
        if (a.elementWiseStride() != 1 || a.dataType() != DataType.FLOAT) {
            throw new IllegalStateException("expected a contiguous float array, got " + a.shapeInfoToString());
        }
        return a.data().asNioFloat();
    }
}
