package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * DL4J's oneDNN batch-norm helper replaced, in training, by Java loops over the minibatch copied into a Java
 * array: {@link BatchStatistics} for the minibatch mean and variance, then y = γ·(x − μ)/√(σ² + ε) + β (the
 * {@code batchnorm} op's formula), and backward {@link BatchNormGradients} ({@code batchnorm_bp}'s formula). The layer
 * reads the statistics back from here for its running averages, as from DL4J's helper. Inference, and inputs
 * {@link BatchStatistics} cannot read, go to DL4J's helper as they did.
 */
final class FastBatchNormHelper implements BatchNormalizationHelper {
    private final BatchNormalizationHelper dl4j;
    private INDArray mean;
    private INDArray var;
    /** Whether the last forward pass went to DL4J's helper, whose statistics its backward pass then needs. */
    private boolean delegated = true;
    // The last training forward pass's statistics.
    private double[] mu;
    private double[] sigma2;
    private long passes;
    private long backwardPasses;

    FastBatchNormHelper(BatchNormalizationHelper dl4j) {
        this.dl4j = dl4j;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return dl4j.checkSupported(eps, fixedGammaBeta);
    }

    @Override
    public boolean checkSupported() {
        return dl4j.checkSupported();
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta, INDArray globalMean,
                              INDArray globalVar, double decay, double eps, CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        delegated = !training || format != CNN2DFormat.NCHW || !BatchStatistics.supports(x);
        if (delegated) {
            return dl4j.preOutput(x, training, shape, gamma, beta, globalMean, globalVar, decay, eps, format, workspaceMgr);
        }
        if (mean == null || mean.length() != x.size(1)) {
            // Outside any workspace: the layer reads them after this call returns, as DL4J's helper keeps its own.
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.createUninitialized(DataType.FLOAT, x.size(1));
                var = Nd4j.createUninitialized(DataType.FLOAT, x.size(1));
            }
        }
        int n = (int) x.size(0), channels = (int) x.size(1), plane = (int) (x.size(2) * x.size(3));
        float[] values = JavaArrays.read(x, JavaArrays.scratch(JavaArrays.INPUT, x.length()));
        if (mu == null || mu.length != channels) {
            mu = new double[channels];
            sigma2 = new double[channels];
        }
        BatchStatistics.compute(values, n, channels, plane, mu, sigma2);
        for (int c = 0; c < channels; c++) {
            mean.putScalar(c, mu[c]);
            var.putScalar(c, sigma2[c]);
        }
        float[] normalized = JavaArrays.scratch(JavaArrays.OUTPUT, x.length());
        normalize(values, normalized, n, channels, plane, mu, sigma2, eps,
                c -> gamma == null ? 1 : gamma.getDouble(c), c -> beta == null ? 0 : beta.getFloat(c));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c');
        JavaArrays.write(normalized, out);
        passes++;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView, double eps,
                                                     CNN2DFormat format, LayerWorkspaceMgr workspaceMgr) {
        if (delegated) {
            return dl4j.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps, format, workspaceMgr);
        }
        INDArray epsAtInput = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        BatchNormGradients.compute(input, epsilon, mean, var, gamma, eps, epsAtInput, dGammaView, dBetaView);
        backwardPasses++;
        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(g, epsAtInput);
    }

    /**
     * y = γ·(x − μ)/√(σ² + ε) + β per channel of [n, channels, plane] values in C order, in single precision (the loop
     * runs on vector registers); γ and β by channel. A dense layer's [n, channels] (plane 1) goes row by row, along memory.
     */
    static void normalize(float[] x, float[] y, int n, int channels, int plane, double[] mu, double[] sigma2, double eps,
                          IntToDoubleFunction gamma, IntToDoubleFunction beta) {
        float[] scales = new float[channels], shifts = new float[channels], centers = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = (float) (gamma.applyAsDouble(c) / Math.sqrt(sigma2[c] + eps));
            shifts[c] = (float) beta.applyAsDouble(c);
            centers[c] = (float) mu[c];
        }
        if (plane == 1) {
            for (int r = 0; r < n; r++) {
                for (int c = 0, o = r * channels; c < channels; c++) y[o + c] = (x[o + c] - centers[c]) * scales[c] + shifts[c];
            }
            return;
        }
        ParallelLoops.forRange(channels, (first, end) -> {
            for (int c = first; c < end; c++) {
                float scale = scales[c], shift = shifts[c], center = centers[c];
                for (int i = 0; i < n; i++) {
                    int from = (i * channels + c) * plane;
                    for (int k = from; k < from + plane; k++) y[k] = (x[k] - center) * scale + shift;
                }
            }
        });
    }

    /**
     * Training forward passes that used {@link BatchStatistics} and succeeded (DL4J quietly falls back to its own
     * implementation for good when a helper throws, so only this tells the fast path ran).
     */
    long passes() {
        return passes;
    }

    /** Backward passes through the same ops that succeeded. */
    long backwardPasses() {
        return backwardPasses;
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return delegated ? dl4j.getMeanCache(dataType) : mean;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return delegated ? dl4j.getVarCache(dataType) : var;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return dl4j.helperMemoryUse();
    }
}
