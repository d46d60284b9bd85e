package dl4jrepro.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the hand-written batch normalisation layer of report 004 §3.2 (the layer itself is
 * {@link HandBatchNormLayer}, where the backward pass is derived), for dense activations [minibatch, features].
 *
 * <p>Parameters, in this order in the network's parameter vector: {@code gamma} and {@code beta} (learned, with the
 * network's updater, never regularised, as DL4J's own layer does) and the running {@code mean} and {@code var} used at
 * inference. The running statistics are not learned: each training step hands the updater the change
 * {@code (1 − decay)(running − batch)} as their "gradient", with a no-op updater and no division by the minibatch, so
 * {@code running ← running − change = decay·running + (1 − decay)·batch}, once per step however often the forward pass
 * runs. (DL4J's built-in layer keeps its statistics the same way; only the equations are written here.)
 */
public class HandBatchNorm extends FeedForwardLayer {
    private double decay = 0.9;
    private double eps = 1e-5;

    /** For JSON: DL4J rebuilds layer configurations by reflection when a model is loaded. */
    protected HandBatchNorm() {}

    protected HandBatchNorm(Builder builder) {
        super(builder);
        this.decay = builder.decay;
        this.eps = builder.eps;
        this.nOut = builder.getNIn() > 0 ? builder.getNIn() : builder.getNOut();
        this.nIn = this.nOut;
    }

    public double getDecay() {
        return decay;
    }

    public void setDecay(double decay) {
        this.decay = decay;
    }

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        this.eps = eps;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        return Wiring.wire(newLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializer().init(conf, paramsView, initializeParams));
    }

    /** The layer object; a subclass may return a variant of it. */
    protected HandBatchNormLayer newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new HandBatchNormLayer(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return HandBatchNormParams.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType == null || inputType.getType() != InputType.Type.FF) {
            throw new IllegalStateException("HandBatchNorm (layer " + layerIndex + ") normalises dense activations only, got "
                    + inputType + "; use DL4J's BatchNormalization after convolutions");
        }
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn <= 0 || override) {
            nIn = ((InputType.InputTypeFeedForward) getOutputType(-1, inputType)).getSize();
            nOut = nIn;
        }
    }

    /** Batch-norm parameters are never regularised (as DL4J's own layer). */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return null;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return HandBatchNormParams.isRunningStatistic(paramName) ? new NoOp() : getIUpdater();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, HandBatchNorm.class, inputType, inputType)
                .standardMemory(4 * nOut, 2 * nOut * 2).workingMemory(0, 0, 2 * nOut, 3 * nOut)
                .cacheMemory(0, 0).build();
    }

    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private double decay = 0.9;
        private double eps = 1e-5;

        /** Weight of the old running statistics in each update (DL4J's default 0.9; PyTorch's momentum 0.1 is 1 − decay). */
        public Builder decay(double decay) {
            this.decay = decay;
            return this;
        }

        /** Added to the variance before the square root (1e-5, as DL4J and PyTorch). */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public HandBatchNorm build() {
            return new HandBatchNorm(this);
        }
    }
}
