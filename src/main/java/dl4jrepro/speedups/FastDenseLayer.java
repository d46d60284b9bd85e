package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dense layer with the training forward pass's pre-activation z = xW + b kept for the backward pass.
 *
 * <p>Why: DL4J M2.1's {@code BaseLayer.backpropGradient} computes z again, a second x·W per layer and step, and always
 * the input gradient δ·Wᵀ, which training throws away for the first layer. On the 3072-50-10 net these two products
 * are a third of the whole training step (profiled with JFR: 86 and 64 of 431 samples; the forward x·W 97, the weight
 * gradient 92). Everything else is DL4J's own code path, so outputs and gradients are the same numbers (FastDenseTest
 * holds them equal to DL4J's layer). The input gradient is skipped only where the configuration says so
 * ({@link FastDense#isInputGradient}).
 *
 * <p>The kept z is used only when it is still valid: computed in training mode from the very input array the layer holds,
 * in a workspace still open at the same generation; otherwise (or with layer norm, masks) DL4J's own path runs.
 */
public class FastDenseLayer extends DenseLayer {
    private INDArray keptZ, keptFor;
    private long reused;

    public FastDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        keptZ = keptFor = null;
        if (!training || hasLayerNorm() || maskArray != null) return super.activate(training, workspaceMgr);
        INDArray z = preOutput(true, workspaceMgr);
        INDArray activation = layerConf().getActivationFn().getActivation(workspaceMgr.dup(ArrayType.ACTIVATIONS, z), true);
        keptZ = z;
        keptFor = input;
        return activation;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray z = keptZ;
        boolean valid = z != null && keptFor == input && maskArray == null && (!z.isAttached() || z.isInScope());
        keptZ = keptFor = null;
        if (!valid) return super.backpropGradient(epsilon, workspaceMgr);
        assertInputSet(true);
        reused++;
        // From here on DL4J's BaseLayer.backpropGradient, with z taken from the forward pass instead of computed again.
        INDArray delta = layerConf().getActivationFn().backprop(z, epsilon).getFirst();
        Gradient ret = new DefaultGradient();
        if (hasBias()) {
            INDArray biasGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
            delta.sum(biasGrad, 0);
            ret.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGrad);
        }
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray epsilonNext = null;
        if (((FastDense) layerConf()).isInputGradient()) {
            epsilonNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, delta.dataType(),
                    new long[] {w.size(0), delta.size(0)}, 'f');
            epsilonNext = w.mmuli(delta.transpose(), epsilonNext).transpose();
        }
        INDArray weightGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        Nd4j.gemm(input.castTo(weightGrad.dataType()), delta, weightGrad, true, false, 1.0, 0.0);
        ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGrad);
        weightNoiseParams.clear();
        return new Pair<>(ret, epsilonNext == null ? null : backpropDropOutIfPresent(epsilonNext));
    }

    /** Backward passes that used the forward pass's z instead of computing it again. */
    public long reusedForwardPasses() {
        return reused;
    }

    @Override
    public void clear() {
        super.clear();
        keptZ = keptFor = null;
    }
}
