package dl4jrepro.speedups;

import dl4jrepro.layers.Wiring;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's batch normalisation, configured exactly as {@link BatchNormalization}, whose training passes, forward
 * (minibatch statistics and normalisation) and backward, run in Java loops over one copy of the input
 * ({@link FastBatchNormHelper}): see {@link FastBatchNormLayer}.
 */
public class FastBatchNorm extends BatchNormalization {
    /** For JSON: DL4J rebuilds layer configurations by reflection when a model is loaded. */
    public FastBatchNorm() {}

    /** The same layer as {@code built}, every setting copied. */
    public static FastBatchNorm of(BatchNormalization built) {
        return Wiring.copySettings(built, new FastBatchNorm(), BatchNormalization.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        return Wiring.wire(new FastBatchNormLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializer().init(conf, paramsView, initializeParams));
    }
}
