package dl4jrepro.speedups;

import dl4jrepro.layers.Wiring;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's activation layer, configured exactly as {@link ActivationLayer}, whose ReLU trains without DL4J's copies: see
 * {@link FastActivationLayer}.
 */
public class FastActivation extends ActivationLayer {
    /** For JSON: DL4J rebuilds layer configurations by reflection when a model is loaded. */
    public FastActivation() {}

    /** The same layer as {@code built}, every setting copied. */
    public static FastActivation of(ActivationLayer built) {
        return Wiring.copySettings(built, new FastActivation(), ActivationLayer.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        return Wiring.wire(new FastActivationLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializer().init(conf, paramsView, initializeParams));
    }
}
