package dl4jrepro.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;

/**
 * What every layer configuration's {@code instantiate} does with the layer object it creates, and how a configuration
 * of ours takes over every setting of the DL4J configuration it extends, in one place.
 */
public final class Wiring {
    private Wiring() {}

    /** Copies every instance field declared by {@code from}'s class {@code upTo} and its superclasses into {@code to}. */
    public static <C> C copySettings(Object from, C to, Class<?> upTo) {
        try {
            for (Class<?> c = upTo; c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers())) continue;
                    f.setAccessible(true);
                    f.set(to, f.get(from));
                }
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot copy the settings of DL4J's " + upTo.getSimpleName(), e);
        }
        return to;
    }

    public static <L extends Layer> L wire(L layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                                    INDArray paramsView, Map<String, INDArray> params) {
        if (listeners != null) layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }
}
