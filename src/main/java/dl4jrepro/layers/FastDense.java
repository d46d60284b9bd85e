package dl4jrepro.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;

/**
 * DL4J's dense layer, configured exactly as {@link DenseLayer} (same parameters, JSON and ModelSerializer form apart from
 * the class name), whose training step skips a matrix product DL4J repeats: see {@link FastDenseLayer}.
 */
public class FastDense extends DenseLayer {
    /** For JSON: DL4J rebuilds layer configurations by reflection when a model is loaded. */
    public FastDense() {}

    /** The same layer as {@code built}, every setting copied. */
    public static FastDense of(DenseLayer built) {
        FastDense fast = new FastDense();
        try {
            for (Class<?> c = DenseLayer.class; c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())) continue;
                    f.setAccessible(true);
                    f.set(fast, f.get(built));
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot copy DL4J's DenseLayer settings", e);
        }
        return fast;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                       int layerIndex, INDArray paramsView, boolean initializeParams,
                                                       DataType networkDataType) {
        return Wiring.wire(new FastDenseLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                DefaultParamInitializer.getInstance().init(conf, paramsView, initializeParams));
    }
}
