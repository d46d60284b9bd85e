package dl4jrepro.layers;

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
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DL4J's oneDNN batch-norm helper with the minibatch statistics computed by {@link BatchStatistics} and the backward
 * pass by {@link BatchNormGradients}: the same {@code batchnorm} op forward, fed the same mean and variance, and
 * {@code batchnorm_bp}'s formula backward, so the layer (and its running averages, which it reads back from here)
 * behaves as before. Inference, and inputs {@link BatchStatistics} cannot
 * read, go to DL4J's helper as they did.
 */
final class FastBatchNormHelper implements BatchNormalizationHelper {
    private final BatchNormalizationHelper dl4j;
    private INDArray mean;
    private INDArray var;
    /** Whether the last forward pass went to DL4J's helper, whose statistics its backward pass then needs. */
    private boolean delegated = true;
    private final BatchNormGradients gradients = new BatchNormGradients();
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
        BatchStatistics.compute(x, mean, var);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape());
        Nd4j.exec(op("batchnorm", gamma, beta, eps).addInputs(inputs(x, gamma, beta)).addOutputs(out).build());
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
        gradients.compute(input, epsilon, mean, var, gamma, eps, epsAtInput, dGammaView, dBetaView);
        backwardPasses++;
        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(g, epsAtInput);
    }

    /** Integer arguments: apply γ, apply β, channel axis 1 (NCHW); the float argument: ε. */
    private static DynamicCustomOp.DynamicCustomOpsBuilder op(String name, INDArray gamma, INDArray beta, double eps) {
        return DynamicCustomOp.builder(name).addIntegerArguments(gamma == null ? 0 : 1, beta == null ? 0 : 1, 1)
                .addFloatingPointArguments(eps);
    }

    /** The ops' inputs in one call (the builder checks their count): x, mean, variance, then γ and β, rank 1, if present. */
    private INDArray[] inputs(INDArray x, INDArray gamma, INDArray beta) {
        List<INDArray> in = new ArrayList<>(List.of(x, mean, var));
        for (INDArray a : new INDArray[] {gamma, beta}) if (a != null) in.add(a.reshape(a.length()));
        return in.toArray(INDArray[]::new);
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
