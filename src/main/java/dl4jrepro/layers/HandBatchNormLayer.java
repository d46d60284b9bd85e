package dl4jrepro.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import static dl4jrepro.layers.HandBatchNormParams.BETA;
import static dl4jrepro.layers.HandBatchNormParams.GAMMA;
import static dl4jrepro.layers.HandBatchNormParams.MEAN;
import static dl4jrepro.layers.HandBatchNormParams.VAR;

/**
 * Batch normalisation with its backward pass derived by hand (report 004 §3.2), for a minibatch X of N rows and, per
 * feature (column), scale γ and shift β.
 *
 * <h2>Forward</h2>
 * Training, with the minibatch's own statistics:
 * <pre>
 *   μ = (1/N) Σᵢ xᵢ        σ² = (1/N) Σᵢ (xᵢ − μ)²        s = √(σ² + ε)
 *   x̂ᵢ = (xᵢ − μ) / s      yᵢ = γ x̂ᵢ + β
 * </pre>
 * (σ² is the biased variance, as in the original paper, DL4J and PyTorch's normalisation.) Inference uses the running
 * averages instead of μ and σ²; they move after each training step as running ← decay·running + (1 − decay)·batch.
 *
 * <h2>Backward, derived</h2>
 * Given g_i = ∂L/∂y_i for every row:
 * <pre>
 *   ∂L/∂β = Σᵢ gᵢ                 ∂L/∂γ = Σᵢ gᵢ x̂ᵢ                 ĝᵢ = ∂L/∂x̂ᵢ = γ gᵢ
 * </pre>
 * Every x̂ᵢ depends on every x_k through μ and s. With ∂μ/∂x_k = 1/N and
 * <pre>
 *   ∂σ²/∂x_k = (2/N) Σᵢ (xᵢ − μ)(δᵢₖ − 1/N) = (2/N)(x_k − μ)        (the Σᵢ (xᵢ − μ) term is zero)
 *   ∂s/∂x_k  = (1/2s) ∂σ²/∂x_k = x̂_k / N
 *   ∂x̂ᵢ/∂x_k = [(δᵢₖ − 1/N) s − (xᵢ − μ) x̂_k/N] / s² = (δᵢₖ − 1/N)/s − x̂ᵢ x̂_k/(N s)
 * </pre>
 * the chain rule gives
 * <pre>
 *   ∂L/∂x_k = Σᵢ ĝᵢ ∂x̂ᵢ/∂x_k = (1/s) [ ĝ_k − (1/N) Σᵢ ĝᵢ − x̂_k (1/N) Σᵢ ĝᵢ x̂ᵢ ]
 *           = γ / (N s) · [ N g_k − ∂L/∂β − x̂_k ∂L/∂γ ]
 * </pre>
 * which is what {@link #backpropGradient} computes: two column sums (the parameter gradients, reused) and one
 * row-wise expression, no N×N Jacobian. A property to check it by: each column of ∂L/∂x sums to zero (Σ_k x̂_k = 0),
 * as it must, since shifting a whole column of x leaves x̂, and so the loss, unchanged.
 */
public class HandBatchNormLayer extends BaseLayer<HandBatchNorm> {
    /** Cached by the training forward pass for the backward pass: x̂, 1/s, and the batch statistics. */
    private INDArray xHat, inverseStd, batchMean, batchVar;

    public HandBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray x = input.castTo(dataType);
        if (x.rank() != 2) {
            throw new IllegalStateException("HandBatchNorm takes [minibatch, features] activations, got rank " + x.rank() + " " + layerId());
        }
        double eps = layerConf().getEps();
        INDArray mean, std;
        if (training) {
            batchMean = x.mean(true, 0).detach();
            batchVar = x.var(false, 0).reshape(1, x.columns()).detach();
            mean = batchMean;
            std = Transforms.sqrt(batchVar.add(eps), false);
        } else {
            mean = getParam(MEAN);
            std = Transforms.sqrt(getParam(VAR).add(eps), false);
        }
        INDArray normalised = x.subRowVector(mean).diviRowVector(std);
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        y.assign(normalised.mulRowVector(getParam(GAMMA)).addiRowVector(getParam(BETA)));
        if (training) {
            xHat = normalised.detach();
            inverseStd = Transforms.pow(std, -1, true).detach();
        }
        return y;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (xHat == null) throw new IllegalStateException("backward pass without a training forward pass " + layerId());
        long n = epsilon.rows();
        INDArray g = epsilon.castTo(dataType);
        INDArray dBeta = g.sum(true, 0);
        INDArray dGamma = g.mul(xHat).sum(true, 0);
        INDArray dx = inputGradient(g, dGamma, dBeta, n);

        Gradient gradient = new DefaultGradient();
        gradientViews.get(GAMMA).assign(dGamma);
        gradientViews.get(BETA).assign(dBeta);
        // The running statistics' change, applied by a no-op updater as params − gradient (see HandBatchNorm).
        double keep = layerConf().getDecay();
        gradientViews.get(MEAN).assign(getParam(MEAN).sub(batchMean).muli(1 - keep));
        gradientViews.get(VAR).assign(getParam(VAR).sub(batchVar).muli(1 - keep));
        for (String key : HandBatchNormParams.INSTANCE.paramKeys(layerConf())) {
            gradient.setGradientFor(key, gradientViews.get(key));
        }
        return new Pair<>(gradient, workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, dx));
    }

    /** ∂L/∂x = γ / (N s) · [N g − ∂L/∂β − x̂ ∂L/∂γ], derived in the class comment. */
    protected INDArray inputGradient(INDArray g, INDArray dGamma, INDArray dBeta, long n) {
        return g.mul(n).subiRowVector(dBeta).subi(xHat.mulRowVector(dGamma))
                .muliRowVector(getParam(GAMMA).mul(inverseStd).divi(n));
    }

    /** The running statistics take no division by the minibatch size: their "gradient" is already the change. */
    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !HandBatchNormParams.isRunningStatistic(paramName);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void fit(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        throw new UnsupportedOperationException("batch normalisation is not trained on its own " + layerId());
    }

    @Override
    public double calcRegularizationScore(boolean backpropParamsOnly) {
        return 0;
    }

    @Override
    public void clear() {
        super.clear();
        xHat = inverseStd = batchMean = batchVar = null;
    }

    protected INDArray cachedInverseStd() {
        return inverseStd;
    }
}
