package dl4jrepro.speedups;

import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.DropOutInverted;
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
 * One training step of a fully connected net (dense layers, each optionally followed by batch norm and an activation
 * layer; DL4J's inverted dropout on layer inputs; an identity output trained on MSE or a softmax output on
 * cross-entropy; L2 on weights and biases; any updater) as DL4J's {@code fit} computes it, with every ND4J op that is
 * not a large matrix product or a dropout mask replaced by plain Java loops over the network's own parameter, gradient
 * and updater-state arrays.
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
 * term. The network's iteration count advances as {@code fit}'s does. Batch norm is FastBatchNormHelper's arithmetic
 * (BatchStatistics, BatchNormGradients), with γ and β averaged over the minibatch like weights but not regularized,
 * and the running statistics moved as DL4J's layer moves them (a "gradient" its no-op updater applies unscaled).
 * Dropout masks are drawn by DL4J's own op on ND4J's random generator, layer by layer in fit's order, so a seeded run
 * draws the same masks (DenseStepTest holds both kinds of net equal to fit).
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
    private float[] rawInput;              // the minibatch as Java floats, where the first layer's loops or dropout read it
    private final float[][] inputs;        // per layer, its input after its dropout (the array below it where none)
    private final float[][] preNorm;       // per layer, x·W + b where batch norm follows (else the same array as outputs)
    private final float[][] outputs;       // per layer, its activations
    private final float[][] deltas;        // per layer, dL/d outputs, then dL/d its activation's input
    private final float[][] normDeltas;    // per batch-normed layer, dL/d(x·W + b)
    private final float[][] masks;         // per layer with dropout, this step's mask: 0 or 1/p
    private final INDArray[] maskArrays;   // the same as DL4J's Dropout draws it
    private final double[][] batchMeans;   // per batch-normed layer, this minibatch's mean and (biased) variance
    private final double[][] batchVars;
    // Mirrors of the flat parameter and gradient arrays, except a BLAS layer's weights, which stay in ND4J.
    private final float[] params;
    private final float[] gradients;
    private final boolean[] blas;          // per layer, for the current minibatch size
    private int[][] mirrored;              // {offset, length} of each range the mirrors hold
    private final INDArray[] staged;       // a BLAS layer's input (where it is not the minibatch), deltas and lower deltas
    private final INDArray[] stagedDeltas;
    private final INDArray[] stagedBelow;
    private final INDArray[] products;     // a BLAS layer's x·W
    private INDArray input;                // this step's minibatch, as a float array
    private float[] target;
    private int allocatedRows = -1;

    /**
     * A dense layer, with the dropout DL4J applies to its input ({@code keep}: 1 for none) and the batch norm that may
     * follow its product; {@code w} and {@code gradW} are DL4J's column-major nIn × nOut views, for its BLAS products.
     */
    private record Layer(int nIn, int nOut, int wOffset, int bOffset, Activation activation, double l2W, double l2B,
                         INDArray w, INDArray gradW, double keep, Norm norm) {}

    /**
     * DL4J's BatchNormalization layer after a dense layer's product (an identity activation), then an ActivationLayer:
     * the offsets of γ, β and the running mean and variance, or log10 of the standard deviation ({@code logStd}).
     */
    private record Norm(int gamma, int beta, int mean, int spread, boolean logStd, double decay, double eps) {}

    private DenseStep(MultiLayerNetwork net, Layer[] layers, Loss loss, List<UpdaterBlock> blocks) {
        this.net = net;
        this.layers = layers;
        this.loss = loss;
        this.blocks = blocks;
        int n = layers.length;
        this.inputs = new float[n][];
        this.preNorm = new float[n][];
        this.outputs = new float[n][];
        this.deltas = new float[n][];
        this.normDeltas = new float[n][];
        this.masks = new float[n][];
        this.maskArrays = new INDArray[n];
        this.batchMeans = new double[n][];
        this.batchVars = new double[n][];
        for (int l = 0; l < n; l++) {
            if (layers[l].norm != null) {
                batchMeans[l] = new double[layers[l].nOut];
                batchVars[l] = new double[layers[l].nOut];
            }
        }
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
     * (gradient clipping, layer norm, a dropout other than DL4J's plain Dropout, ...) the step lacks: such a net keeps
     * DL4J's fit. Its layers: dense layers, each optionally followed by BatchNormalization and an ActivationLayer, then
     * an output layer.
     */
    public static Optional<DenseStep> of(MultiLayerNetwork net) {
        MultiLayerConfiguration whole = net.getLayerWiseConfigurations();
        if (whole.getDataType() != DataType.FLOAT || !whole.getInputPreProcessors().isEmpty()
                || whole.getBackpropType() != BackpropType.Standard) return Optional.empty();
        if (net.getGradientsViewArray() == null) net.initGradientsView();
        int n = net.getnLayers();
        List<Layer> layers = new ArrayList<>();
        Loss loss = null;
        long covered = 0;
        for (int i = 0; i < n; i++) {
            org.deeplearning4j.nn.api.Layer layer = net.getLayer(i);
            NeuralNetConfiguration layerConf = layer.conf();
            var conf = layerConf.getLayer();
            boolean output = i == n - 1;
            if (output ? !(conf instanceof OutputLayer) : !(conf instanceof DenseLayer)) return Optional.empty();
            if (!fitsTheStep(layerConf)) return Optional.empty();
            BaseLayer base = (BaseLayer) conf;
            boolean plain = conf instanceof DenseLayer dense ? dense.hasBias() && !dense.hasLayerNorm()
                    : ((OutputLayer) conf).hasBias();
            Optional<Double> keep = keep(base.getIDropout());
            if (keep.isEmpty() || base.getWeightNoise() != null || !plain) return Optional.empty();
            Optional<Activation> activation;
            Norm norm = null;
            int nOut = (int) ((FeedForwardLayer) conf).getNOut();
            if (output) {
                // The loss owns the output's activation: the layer itself passes z on.
                loss = Loss.of(((OutputLayer) conf).getLossFn(), base.getActivationFn()).orElse(null);
                if (loss == null) return Optional.empty();
                activation = Optional.of(Activation.IDENTITY);
            } else if (i + 2 < n && net.getLayer(i + 1).conf().getLayer() instanceof BatchNormalization) {
                // linear → normalise → activate, as MlpFamily builds a batch-normed layer
                var activationLayer = net.getLayer(i + 2).conf().getLayer();
                norm = norm(net, net.getLayer(i + 1), nOut).orElse(null);
                if (norm == null || !(base.getActivationFn() instanceof ActivationIdentity)
                        || !(activationLayer instanceof ActivationLayer act) || act.getIDropout() != null
                        || !fitsTheStep(net.getLayer(i + 2).conf())) return Optional.empty();
                activation = Activation.of(act.getActivationFn());
                covered += net.getLayer(i + 1).numParams();
                i += 2;
            } else {
                activation = Activation.of(base.getActivationFn());
            }
            Optional<Double> l2W = l2(base.getRegularization()), l2B = l2(base.getRegularizationBias());
            if (activation.isEmpty() || l2W.isEmpty() || l2B.isEmpty()) return Optional.empty();
            int nIn = (int) ((FeedForwardLayer) conf).getNIn();
            INDArray w = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
            int wOffset = offset(net, w), bOffset = offset(net, layer.getParam(DefaultParamInitializer.BIAS_KEY));
            INDArray gradW = matrixView(net.getGradientsViewArray(), wOffset, nIn, nOut);
            layers.add(new Layer(nIn, nOut, wOffset, bOffset, activation.get(), l2W.get(), l2B.get(), w, gradW,
                    keep.get(), norm));
            covered += layer.numParams();
        }
        if (covered != net.numParams()) return Optional.empty();
        if (!(net.getUpdater() instanceof BaseMultiLayerUpdater<?> updater)) return Optional.empty();
        return Optional.of(new DenseStep(net, layers.toArray(Layer[]::new), loss, new ArrayList<>(updater.getUpdaterBlocks())));
    }

    /** fit's other paths: no minibatch averaging, maximising, another optimiser, gradient clipping. */
    private static boolean fitsTheStep(NeuralNetConfiguration layerConf) {
        var conf = layerConf.getLayer();
        boolean clipped = conf instanceof BaseLayer base && base.getGradientNormalization() != null
                && base.getGradientNormalization() != GradientNormalization.None;
        return layerConf.isMiniBatch() && layerConf.isMinimize() && !clipped
                && layerConf.getOptimizationAlgo() == OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT;
    }

    /** DL4J's plain inverted dropout with a fixed keep probability, as that; 1 for none; empty for anything else. */
    private static Optional<Double> keep(IDropout dropout) {
        if (dropout == null) return Optional.of(1.0);
        if (dropout.getClass() == Dropout.class && ((Dropout) dropout).getPSchedule() == null) {
            return Optional.of(((Dropout) dropout).getP());
        }
        return Optional.empty();
    }

    /**
     * A batch-norm layer the step computes: γ and β trained, no dropout or clipping of its own, {@code width}
     * channels. Its running statistics are DL4J's "gradients" that a no-op updater applies as they are.
     */
    private static Optional<Norm> norm(MultiLayerNetwork net, org.deeplearning4j.nn.api.Layer layer, int width) {
        BatchNormalization conf = (BatchNormalization) layer.conf().getLayer();
        if (conf.isLockGammaBeta() || conf.getIDropout() != null || conf.getNOut() != width || !fitsTheStep(layer.conf())) {
            return Optional.empty();
        }
        String spread = conf.isUseLogStd() ? BatchNormalizationParamInitializer.GLOBAL_LOG_STD
                : BatchNormalizationParamInitializer.GLOBAL_VAR;
        return Optional.of(new Norm(offset(net, layer.getParam(BatchNormalizationParamInitializer.GAMMA)),
                offset(net, layer.getParam(BatchNormalizationParamInitializer.BETA)),
                offset(net, layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN)),
                offset(net, layer.getParam(spread)), conf.isUseLogStd(), conf.getDecay(), conf.getEps()));
    }
    /** Where a parameter view starts in the network's flat parameter array. */
    private static int offset(MultiLayerNetwork net, INDArray view) {
        return (int) (view.offset() - net.params().offset());
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
        if (rawInput != null) JavaArrays.readInto(input, rawInput);
        // Layer by layer as fit's forward pass, so each dropout mask takes the random numbers DL4J's would.
        for (int l = 0; l < layers.length; l++) {
            if (layers[l].keep < 1) dropout(l);
            if (blas[l]) forwardBlas(l, rows);
            else forward(l, rows);
            if (layers[l].norm != null) normalize(l, rows);
            layers[l].activation.activate(outputs[l]);
        }

        JavaArrays.readInto(y, target);
        int last = layers.length - 1;
        double score = loss.apply(outputs[last], target, deltas[last], layers[last].nOut) / rows;

        for (int[] r : mirrored) Arrays.fill(gradients, r[0], r[0] + r[1], 0);
        for (int l = layers.length - 1; l >= 0; l--) {
            Layer layer = layers[l];
            layer.activation.backprop(outputs[l], deltas[l]);
            float[] dz = deltas[l];
            if (layer.norm != null) {
                dz = normDeltas[l];
                normBackward(l, deltas[l], dz, rows);
            }
            if (blas[l]) backwardBlas(l, dz, rows);
            else backward(l, dz, rows);
            if (l > 0 && layer.keep < 1) {
                float[] below = deltas[l - 1], mask = masks[l];
                for (int i = 0; i < below.length; i++) below[i] *= mask[i];
            }
        }
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            score += blas[l] ? regularizeBlas(layer)
                    : regularize(layer.wOffset, layer.nIn * layer.nOut, layer.l2W, rows);
            score += regularize(layer.bOffset, layer.nOut, layer.l2B, rows);
            if (layer.norm != null) {
                // γ and β: means over the minibatch, unregularized (BatchNormalization regularizes none of its own)
                regularize(layer.norm.gamma, layer.nOut, 0, rows);
                regularize(layer.norm.beta, layer.nOut, 0, rows);
            }
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
        List<int[]> ranges = new ArrayList<>();
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            blas[l] = (long) rows * layer.nIn * layer.nOut >= BLAS_MULTIPLY_ADDS;
        }
        boolean stagedFirst = layers[0].keep < 1;  // the first BLAS product reads the minibatch itself unless masked
        rawInput = !blas[0] || stagedFirst ? new float[rows * layers[0].nIn] : null;
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            preNorm[l] = new float[rows * layer.nOut];
            outputs[l] = layer.norm == null ? preNorm[l] : new float[rows * layer.nOut];
            deltas[l] = new float[rows * layer.nOut];
            normDeltas[l] = layer.norm == null ? null : new float[rows * layer.nOut];
            float[] below = l == 0 ? rawInput : outputs[l - 1];
            if (layer.keep < 1) {
                inputs[l] = new float[rows * layer.nIn];
                masks[l] = new float[rows * layer.nIn];
                maskArrays[l] = Nd4j.createUninitialized(DataType.FLOAT, rows, layer.nIn);
            } else {
                inputs[l] = below;
            }
            // The mirrors hold what the loops touch: a BLAS layer's weights stay in ND4J.
            ranges.add(blas[l] ? new int[] {layer.bOffset, layer.nOut}
                    : new int[] {layer.wOffset, layer.nIn * layer.nOut + layer.nOut});
            if (layer.norm != null) {
                for (int at : new int[] {layer.norm.gamma, layer.norm.beta, layer.norm.mean, layer.norm.spread}) {
                    ranges.add(new int[] {at, layer.nOut});
                }
            }
            if (blas[l]) {
                products[l] = Nd4j.createUninitialized(DataType.FLOAT, rows, layer.nOut);
                stagedDeltas[l] = Nd4j.createUninitialized(DataType.FLOAT, rows, layer.nOut);
                if (l > 0 || stagedFirst) staged[l] = Nd4j.createUninitialized(DataType.FLOAT, rows, layer.nIn);
                if (l > 0) stagedBelow[l] = Nd4j.createUninitialized(DataType.FLOAT, rows, layer.nIn);
            }
        }
        mirrored = ranges.toArray(int[][]::new);
        target = new float[rows * layers[layers.length - 1].nOut];
        allocatedRows = rows;
    }

    /**
     * Layer l's input through DL4J's inverted dropout: the mask drawn as {@code Dropout.applyDropout} draws it (ones,
     * then the DropOutInverted op on ND4J's random generator: each entry 0, or 1/p with probability p), then multiplied in.
     */
    private void dropout(int l) {
        INDArray maskArray = maskArrays[l];
        maskArray.assign(1.0);
        Nd4j.getExecutioner().exec(new DropOutInverted(maskArray, maskArray, layers[l].keep));
        float[] mask = masks[l], in = inputs[l], below = l == 0 ? rawInput : outputs[l - 1];
        JavaArrays.readInto(maskArray, mask);
        for (int i = 0; i < in.length; i++) in[i] = below[i] * mask[i];
    }

    /** preNorm = in·W + b, row-major rows; W is DL4J's column-major nIn × nOut view of the flat parameters. */
    private void forward(int l, int rows) {
        Layer layer = layers[l];
        float[] in = inputs[l], out = preNorm[l];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < layer.nOut; j++) {
                float z = params[layer.bOffset + j];
                int w = layer.wOffset + j * layer.nIn, i = r * layer.nIn;
                for (int k = 0; k < layer.nIn; k++) z += in[i + k] * params[w + k];
                out[r * layer.nOut + j] = z;
            }
        }
    }

    /** The same through one BLAS product: x·W into ND4J, then the bias in the loops. */
    private void forwardBlas(int l, int rows) {
        Layer layer = layers[l];
        if (staged[l] != null) JavaArrays.write(inputs[l], staged[l]);
        Nd4j.gemm(blasInput(l), layer.w, products[l], false, false, 1.0, 0.0);
        float[] out = preNorm[l];
        JavaArrays.readInto(products[l], out);
        for (int r = 0; r < rows; r++) {
            for (int j = 0, o = r * layer.nOut; j < layer.nOut; j++) out[o + j] += params[layer.bOffset + j];
        }
    }

    /** A BLAS layer's input: the minibatch itself for an unmasked first layer, else its input as staged. */
    private INDArray blasInput(int l) {
        return staged[l] == null ? input : staged[l];
    }

    /**
     * Batch norm in training, as FastBatchNormHelper computes it: the minibatch's mean and biased variance per unit,
     * then y = γ·(x − μ)/√(σ² + ε) + β in single precision.
     */
    private void normalize(int l, int rows) {
        Layer layer = layers[l];
        Norm norm = layer.norm;
        int width = layer.nOut;
        double[] mu = batchMeans[l], sigma2 = batchVars[l];
        float[] x = preNorm[l], y = outputs[l];
        BatchStatistics.compute(x, rows, width, 1, mu, sigma2);
        FastBatchNormHelper.normalize(x, y, rows, width, 1, mu, sigma2, norm.eps, j -> params[norm.gamma + j],
                j -> params[norm.beta + j]);
    }

    /**
     * Batch norm's backward pass (BatchNormGradients, from the statistics in single precision as the layer keeps
     * them): dL/dx into {@code dx}, the sums dγ and dβ into the gradients, and the running statistics' "gradients" as
     * DL4J's BatchNormalization.backpropGradient writes them: (1 − decay)·(running mean − μ), and for log10(σ) the
     * log of its variance over the next one, ½·log₁₀(v / (decay·v + (1 − decay)·σ²)).
     */
    private void normBackward(int l, float[] dy, float[] dx, int rows) {
        Layer layer = layers[l];
        Norm norm = layer.norm;
        int width = layer.nOut;
        double[] mus = new double[width], invs = new double[width], gammas = new double[width];
        double[] dGammas = new double[width], dBetas = new double[width];
        for (int j = 0; j < width; j++) {
            mus[j] = (float) batchMeans[l][j];
            invs[j] = 1 / Math.sqrt((float) batchVars[l][j] + norm.eps);
            gammas[j] = params[norm.gamma + j];
        }
        BatchNormGradients.compute(preNorm[l], dy, dx, rows, width, 1, mus, invs, gammas, dGammas, dBetas);
        float rest = (float) (1 - norm.decay), decay = (float) norm.decay;
        for (int j = 0; j < width; j++) {
            gradients[norm.gamma + j] += (float) dGammas[j];
            gradients[norm.beta + j] += (float) dBetas[j];
            gradients[norm.mean + j] = (params[norm.mean + j] - (float) mus[j]) * rest;
            float batchVar = (float) batchVars[l][j];
            if (norm.logStd) {
                float std = (float) Math.pow(10, params[norm.spread + j]), v = std * std;
                gradients[norm.spread + j] = (float) Math.log(v / (v * decay + batchVar * rest)) * ONE_ON_2LOGE_10;
            } else {
                gradients[norm.spread + j] = (params[norm.spread + j] - batchVar) * rest;
            }
        }
    }

    /** 1 / (2·ln 10): ½·log₁₀ from the natural log, DL4J's constant. */
    private static final float ONE_ON_2LOGE_10 = (float) (1.0 / (2 * Math.log(10)));

    /**
     * Adds up the weight and bias gradients of layer l over the rows from dz (dL/d(x·W + b)), and, above the first
     * layer, writes dL/d its input into the layer below's deltas.
     */
    private void backward(int l, float[] d, int rows) {
        Layer layer = layers[l];
        float[] in = inputs[l], below = l == 0 ? null : deltas[l - 1];
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
    private void backwardBlas(int l, float[] d, int rows) {
        Layer layer = layers[l];
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
    private sealed interface Activation permits Fixed, LeakyReLU {
        Activation IDENTITY = Fixed.IDENTITY;

        /** z → act(z), in place. */
        void activate(float[] a);

        /** dL/d output → dL/dz in place, from the outputs. */
        void backprop(float[] out, float[] d);

        /** DL4J's activation as one of these, or empty when the loops lack it. */
        static Optional<Activation> of(IActivation a) {
            if (a instanceof ActivationIdentity) return Optional.of(Fixed.IDENTITY);
            if (a instanceof ActivationReLU) return Optional.of(Fixed.RELU);
            if (a instanceof ActivationLReLU leaky && leaky.getAlpha() > 0) return Optional.of(new LeakyReLU((float) leaky.getAlpha()));
            if (a instanceof ActivationSigmoid) return Optional.of(Fixed.SIGMOID);
            if (a instanceof ActivationTanH) return Optional.of(Fixed.TANH);
            if (a instanceof ActivationSELU) return Optional.of(Fixed.SELU);
            return Optional.empty();
        }
    }

    /**
     * libnd4j's leaky ReLU, x > 0 ? x : αx, and its derivative 1 or α; with α > 0 the output's sign is the input's, so
     * the derivative reads the output alone.
     */
    private record LeakyReLU(float alpha) implements Activation {
        @Override
        public void activate(float[] a) {
            for (int i = 0; i < a.length; i++) a[i] = a[i] > 0 ? a[i] : alpha * a[i];
        }

        @Override
        public void backprop(float[] out, float[] d) {
            for (int i = 0; i < d.length; i++) d[i] = out[i] > 0 ? d[i] : alpha * d[i];
        }
    }

    /** The activations without settings of their own. */
    private enum Fixed implements Activation {
        IDENTITY {
            public void activate(float[] a) {}
            public void backprop(float[] out, float[] d) {}
        },
        RELU {
            public void activate(float[] a) {
                for (int i = 0; i < a.length; i++) a[i] = relu(a[i]);
            }
            public void backprop(float[] out, float[] d) {
                for (int i = 0; i < d.length; i++) d[i] = reluGate(out[i], d[i]);
            }
        },
        SIGMOID {
            public void activate(float[] a) {
                for (int i = 0; i < a.length; i++) a[i] = 1f / (1f + (float) Math.exp(-a[i]));
            }
            public void backprop(float[] out, float[] d) {
                for (int i = 0; i < d.length; i++) d[i] *= out[i] * (1 - out[i]);
            }
        },
        TANH {
            public void activate(float[] a) {
                for (int i = 0; i < a.length; i++) a[i] = (float) Math.tanh(a[i]);
            }
            public void backprop(float[] out, float[] d) {
                for (int i = 0; i < d.length; i++) d[i] *= 1 - out[i] * out[i];
            }
        },
        SELU {
            // libnd4j's constants
            static final float LAMBDA = 1.0507009873554804934193349852946f;
            static final float ALPHA = 1.6732632423543772848170429916717f;

            public void activate(float[] a) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = a[i] > 0 ? LAMBDA * a[i] : LAMBDA * ALPHA * ((float) Math.exp(a[i]) - 1);
                }
            }
            public void backprop(float[] out, float[] d) {
                for (int i = 0; i < d.length; i++) d[i] *= out[i] > 0 ? LAMBDA : out[i] + LAMBDA * ALPHA;
            }
        };

        /** z → act(z), in place. */
        public abstract void activate(float[] a);

        /** dL/d output → dL/dz in place, from the outputs. */
        public abstract void backprop(float[] out, float[] d);
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
