package dl4jrepro.speedups;

import dl4jrepro.layers.Wiring;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's pooling layer, configured exactly as {@link SubsamplingLayer}, whose 2×2 max pooling with stride 2 runs in
 * plain Java loops: see {@link FastMaxPoolLayer}.
 */
public class FastMaxPool extends SubsamplingLayer {
    /** For JSON: DL4J rebuilds layer configurations by reflection when a model is loaded. */
    public FastMaxPool() {}

    /** The same layer as {@code built}, every setting copied. */
    public static FastMaxPool of(SubsamplingLayer built) {
        return Wiring.copySettings(built, new FastMaxPool(), SubsamplingLayer.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        return Wiring.wire(new FastMaxPoolLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializer().init(conf, paramsView, initializeParams));
    }
}
