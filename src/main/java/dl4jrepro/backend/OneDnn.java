package dl4jrepro.backend;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.nativeblas.Nd4jCpu;

/**
 * oneDNN for DL4J's convolution, pooling and batch-norm layers on the CPU backend: 5-6x faster CNN training on this
 * machine (results/benchmarks/onednn-helpers.md). Three things are needed, and DL4J 1.0.0-M2.1 ships none of them on:
 * the {@code nd4j-native} build with the {@code -onednn} classifier (a dependency of the default Maven profile), the
 * javacpp platform extension that makes ND4J load it, and DL4J's layer helpers, which M2.1 disables unless told
 * otherwise, plus {@link org.nd4j.nativeblas.Nd4jCpu}, which repairs the check those helpers make.
 *
 * <p>{@code -Ddl4jrepro.onednn=false} runs without them (DL4J's built-in im2col layers), for comparisons.
 */
public final class OneDnn {
    static final String EXTENSION = "org.bytedeco.javacpp.platform.extension";
    static final String HELPERS_DISABLED = "org.eclipse.deeplearning4j.helpers.disable";
    static final String SWITCH = "dl4jrepro.onednn";

    private OneDnn() {}

    /** Must run before ND4J loads its native library; settings given on the command line win. */
    static void requestBeforeNd4jLoads(boolean gpuBuild) {
        boolean wanted = !gpuBuild && !"false".equals(System.getProperty(SWITCH));
        if (System.getProperty(EXTENSION) == null && wanted) System.setProperty(EXTENSION, "-onednn");
        if (System.getProperty(HELPERS_DISABLED) == null) System.setProperty(HELPERS_DISABLED, String.valueOf(!wanted));
    }

    /**
     * A network whose layers use oneDNN or DL4J's own implementations, whatever the process default: DL4J picks a
     * layer's helper when the layer is created, so the choice holds for this network's lifetime. For comparisons.
     */
    public static MultiLayerNetwork network(MultiLayerConfiguration conf, boolean oneDnnLayers) {
        String before = System.getProperty(HELPERS_DISABLED);
        System.setProperty(HELPERS_DISABLED, String.valueOf(!oneDnnLayers));
        try {
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            return net;
        } finally {
            if (before == null) System.clearProperty(HELPERS_DISABLED);
            else System.setProperty(HELPERS_DISABLED, before);
        }
    }

    /** Whether DL4J layers will use oneDNN: the loaded native build has it and the helpers are allowed. */
    public static boolean active() {
        return !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLED, "true"))
                && Nd4jCpu.Environment.getInstance().isUseMKLDNN();
    }
}
