package dl4jrepro.speedups;

import dl4jrepro.layers.Wiring;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's dense layer, configured exactly as {@link DenseLayer} (same parameters, JSON and ModelSerializer form apart from
 * the class name), whose training step skips the matrix products it does not need: see {@link FastDenseLayer}.
 *
 * <p>{@code inputGradient}: whether backpropagation computes the gradient with respect to the layer's input. A network's
 * first layer has no layer below to hand it to, and training discards it, so {@link Speedups} switches it off there;
 * code that asks a network for its input gradient ({@code calculateGradients}) keeps it on
 * ({@link Speedups#prepareKeepingInputGradients}).
 */
public class FastDense extends DenseLayer {
    private boolean inputGradient = true;

    /** For JSON: DL4J rebuilds layer configurations by reflection when a model is loaded. */
    public FastDense() {}

    public boolean isInputGradient() {
        return inputGradient;
    }

    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    /** The same layer as {@code built}, every setting copied. */
    public static FastDense of(DenseLayer built) {
        return Wiring.copySettings(built, new FastDense(), DenseLayer.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        return Wiring.wire(new FastDenseLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                DefaultParamInitializer.getInstance().init(conf, paramsView, initializeParams));
    }
}
