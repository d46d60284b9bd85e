package dl4jrepro.backend;

import java.util.function.UnaryOperator;
import org.nd4j.nativeblas.Nd4jCpu;

/**
 * Loads the oneDNN build of ND4J's CPU library, so that DL4J's convolution, pooling and batch-norm layers can hand
 * their work to oneDNN (results/benchmarks/onednn-helpers.md). DL4J 1.0.0-M2.1 needs three things for that and ships
 * none of them on: the {@code nd4j-native} build with the {@code -onednn} classifier (a dependency of the default Maven
 * profile), the javacpp platform extension that makes ND4J load it (set here), and DL4J's layer helpers, which M2.1
 * disables unless told otherwise, plus {@link org.nd4j.nativeblas.Nd4jCpu}, which repairs the check those helpers
 * make. Whether a network's layers use the helpers is a speed-up, decided per network (dl4jrepro.speedups); this
 * class only makes them available. The build also runs some of ND4J's own ops through oneDNN, helpers or not: a plain
 * dense net trains to other bits when oneDNN's instruction set is capped (results/benchmarks/rerun-identity.md), so the
 * oneDNN build is part of every CPU result's arithmetic, and the backend line names it.
 */
public final class OneDnn {
    static final String EXTENSION = "org.bytedeco.javacpp.platform.extension";

    /**
     * The variable by which the oneDNN inside ND4J's CPU library caps the instruction set it dispatches to. The cap
     * changes the figures a net trains to, with batch norm or without (ND4J hands more than DL4J's layer helpers to
     * oneDNN), so a run records it. Newer oneDNN releases also read ONEDNN_MAX_CPU_ISA; this build ignores it (a net
     * trains to the same bits with it set, and to other figures with this one: results/benchmarks/rerun-identity.md).
     */
    static final String ISA_VARIABLE = "DNNL_MAX_CPU_ISA";

    private OneDnn() {}

    /** Must run before ND4J loads its native library; a setting given on the command line wins. */
    static void requestBeforeNd4jLoads(boolean gpuBuild) {
        if (System.getProperty(EXTENSION) == null && !gpuBuild) System.setProperty(EXTENSION, "-onednn");
    }

    /** Whether the loaded CPU library has oneDNN, so DL4J's layers can use it when their helpers are switched on. */
    public static boolean available() {
        return Nd4jCpu.Environment.getInstance().isUseMKLDNN();
    }

    /** "oneDNN", or "oneDNN (DNNL_MAX_CPU_ISA=AVX2)" when the environment caps its instruction set. */
    public static String describe(UnaryOperator<String> environment) {
        String cap = environment.apply(ISA_VARIABLE);
        return cap == null || cap.isBlank() ? "oneDNN" : "oneDNN (" + ISA_VARIABLE + "=" + cap + ")";
    }
}
