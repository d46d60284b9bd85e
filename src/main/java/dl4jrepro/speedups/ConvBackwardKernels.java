package dl4jrepro.speedups;

import dl4jrepro.base.UserError;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;

/**
 * Which kernel computes a convolution layer's backward pass, per layer shape: DL4J's (its oneDNN helper where present)
 * or {@link Im2colConvolution}.
 *
 * <p>Why a choice: oneDNN's backward time at one shape moves severalfold between processes and between processors,
 * while im2col's holds (results/benchmarks/conv-backward.md and its history, at C2's 256→256 layer on 8×8 maps most of
 * all). The rule on shapes ({@link #byRule}), measured on the first
 * processor, is the default: the same kernels on every machine and in every process, so a run's digits do not depend
 * on timing. {@value #PROPERTY}{@code =timed} instead times the two, as PyTorch's {@code cudnn.benchmark} (also off by
 * default) does for its convolution algorithms: a shape's first backward pass in a process runs both kernels,
 * alternating, and the process keeps the faster one for that shape. Both compute the same gradients up to float
 * rounding, so a run's last digits then follow the choice. Nor did timing pay for itself against the rule: no clear
 * speed-up of C2, and more peak memory, the more so with small maps timed too
 * (results/benchmarks/conv-backward-choice*.md). Each trial records what every convolution layer ran, with the timings where timed ({@link Speedups.Prepared#convBackwardKernels}). Maps of at most
 * {@link #SMALL_MAP} positions keep the rule's im2col untimed.
 */
public final class ConvBackwardKernels {
    /** The JVM property that picks the policy: {@code rule} (the default) or {@code timed}. */
    public static final String PROPERTY = "repro.convBackward";
    /** Timed rounds per kernel, after one untimed round (oneDNN creates and compiles its kernels at a shape's first call). */
    static final int ROUNDS = 3;

    /** The largest output map (height × width) whose backward pass runs {@link Im2colConvolution} by the rule. */
    public static final long SMALL_MAP = 16;
    /** The fewest input channels from which the backward pass runs {@link Im2colConvolution} by the rule, whatever the map. */
    public static final long WIDE_INPUT = 256;

    public enum Kernel {
        DL4J("DL4J's (oneDNN)"), IM2COL("im2col");

        private final String label;

        Kernel(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A layer shape: the pass's geometry, and whether it computes the gradient with respect to the input. */
    public record Shape(Im2colConvolution.Geometry geometry, boolean inputGradient) {}

    /** A shape's kernel, and the fastest timed round of each kernel in ms (NaN when chosen by the rule). */
    public record Choice(Kernel kernel, double dl4jMs, double im2colMs) {
        public String describe() {
            String how = Double.isNaN(dl4jMs) ? "by rule"
                    : String.format(Locale.ROOT, "timed: im2col %.1f ms, DL4J's %.1f ms", im2colMs, dl4jMs);
            return kernel.label() + " (" + how + ")";
        }
    }

    private static final Map<Shape, Choice> TIMED = new ConcurrentHashMap<>();

    private ConvBackwardKernels() {}

    /**
     * The kernel for {@code shape}: by the rule, or this process's timed choice, timing the two now when it has none.
     *
     * @param runOnce runs one backward pass of the given kernel at this shape, on arrays nothing else reads, and
     *                returns its wall time in ns
     */
    public static Choice choose(Shape shape, ToLongFunction<Kernel> runOnce) {
        // Small maps are not timed: im2col won there in every process and on both processors measured (conv-backward.md
        // and its history), and timing them, C2's widest layers, kept C2's peak RSS above the rule's even with the timed
        // passes' arrays freed (conv-backward-choice-at-61230ed.md against conv-backward-choice.md).
        if (!timed() || shape.geometry().positions() <= SMALL_MAP) return new Choice(byRule(shape), Double.NaN, Double.NaN);
        Choice known = TIMED.get(shape);
        if (known != null) return known;
        // One shape timed at a time: two trials of one process timing at once would each slow the other's kernels.
        synchronized (TIMED) {
            return TIMED.computeIfAbsent(shape, s -> time(runOnce));
        }
    }

    /** Both kernels, alternating which goes first; the faster by its fastest round. */
    static Choice time(ToLongFunction<Kernel> runOnce) {
        long bestDl4j = Long.MAX_VALUE, bestIm2col = Long.MAX_VALUE;
        for (int round = 0; round <= ROUNDS; round++) {
            Kernel[] order = round % 2 == 0 ? new Kernel[] {Kernel.DL4J, Kernel.IM2COL} : new Kernel[] {Kernel.IM2COL, Kernel.DL4J};
            for (Kernel k : order) {
                long ns = runOnce.applyAsLong(k);
                if (round == 0) continue;
                if (k == Kernel.DL4J) bestDl4j = Math.min(bestDl4j, ns);
                else bestIm2col = Math.min(bestIm2col, ns);
            }
        }
        return new Choice(bestIm2col < bestDl4j ? Kernel.IM2COL : Kernel.DL4J, bestDl4j / 1e6, bestIm2col / 1e6);
    }

    /**
     * The rule measured on the first processor (conv-backward.md at 635cf5b): im2col on small maps (at most
     * {@link #SMALL_MAP} outputs), on inputs of {@link #WIDE_INPUT} channels or more, and without the input gradient
     * (oneDNN computes it always); DL4J's elsewhere.
     */
    public static Kernel byRule(Shape shape) {
        Im2colConvolution.Geometry g = shape.geometry();
        return !shape.inputGradient() || g.positions() <= SMALL_MAP || g.c() >= WIDE_INPUT ? Kernel.IM2COL : Kernel.DL4J;
    }

    /** Whether this process times the kernels (the property read at each call, so a test can switch it). */
    static boolean timed() {
        String policy = System.getProperty(PROPERTY, "rule");
        return switch (policy) {
            case "timed" -> true;
            case "rule" -> false;
            default -> throw new UserError("-D" + PROPERTY + "=" + policy + ": unknown policy; use timed or rule");
        };
    }
}
