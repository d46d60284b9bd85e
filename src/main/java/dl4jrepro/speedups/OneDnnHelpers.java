package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * DL4J's layer helpers, which hand convolution, pooling and batch norm to oneDNN, switched on or off for one network.
 * DL4J reads one system property when a layer is created and keeps the helper it picked for the layer's lifetime, so
 * setting the property around {@code init} decides for this network alone, whatever the process default (the tests'
 * JVM, for one, switches helpers on for every network).
 */
public final class OneDnnHelpers {
    static final String HELPERS_DISABLED = "org.eclipse.deeplearning4j.helpers.disable";

    private OneDnnHelpers() {}

    /** The network of {@code conf}, initialised, its layers with oneDNN helpers or with DL4J's built-in code. */
    public static MultiLayerNetwork network(MultiLayerConfiguration conf, boolean helpers) {
        synchronized (OneDnnHelpers.class) {
            String before = System.getProperty(HELPERS_DISABLED);
            System.setProperty(HELPERS_DISABLED, String.valueOf(!helpers));
            try {
                MultiLayerNetwork net = new MultiLayerNetwork(conf);
                net.init();
                return net;
            } finally {
                if (before == null) System.clearProperty(HELPERS_DISABLED);
                else System.setProperty(HELPERS_DISABLED, before);
            }
        }
    }
}
