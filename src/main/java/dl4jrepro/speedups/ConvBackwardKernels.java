package dl4jrepro.speedups;

import dl4jrepro.base.UserError;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * Which kernel computes a convolution layer's backward pass, per layer shape: DL4J's (its helper, the oneDNN 2.3 linked
 * into ND4J), {@link Im2colConvolution}, or {@link DnnlConvolution} (javacpp's oneDNN, 2.5 or a system's newer one).
 *
 * <p>Why a choice: the three differ severalfold by layer shape (results/benchmarks/conv-backward.md, each layer of the
 * catalogue's CNNs, with the PyTorch twin's own layer beside), and oneDNN 2.3's time at one shape moves between
 * processes and processors. The rule on shapes ({@link #byRule}) is the default: the same kernels in every process, so
 * a run's digits do not depend on timing (javacpp's oneDNN is the machine's, 2.5.2 or the system's newer one, or im2col
 * where it does not load: the kernel's label in each record names the version). {@value #PROPERTY}{@code =timed} instead times them, as
 * PyTorch's {@code cudnn.benchmark} (also off by default) does for its convolution algorithms: a shape's first backward
 * pass in a process runs each kernel, taking turns, and the process keeps the fastest for that shape. All compute the
 * same gradients up to float rounding, so a run's last digits then follow the choice. Timing did not pay for itself
 * against the rule of two kernels (results/benchmarks/conv-backward-choice*.md). Each trial records what every
 * convolution layer ran, with the timings where timed ({@link Speedups.Prepared#convBackwardKernels}). Maps of at most
 * {@link #SMALL_MAP} positions keep the rule's kernel untimed.
 */
public final class ConvBackwardKernels {
    /** The JVM property that picks the policy: {@code rule} (the default) or {@code timed}. */
    public static final String PROPERTY = "repro.convBackward";
    /** Timed rounds per kernel, after one untimed round (oneDNN creates and compiles its kernels at a shape's first call). */
    static final int ROUNDS = 3;

    /** The largest output map (height × width) whose backward pass runs {@link DnnlConvolution} by the rule. */
    public static final long SMALL_MAP = 16;
    /** The fewest input channels from which the backward pass runs {@link DnnlConvolution} by the rule, on larger maps too. */
    public static final long WIDE_INPUT = 256;

    public enum Kernel {
        DL4J("DL4J's (oneDNN 2.3)"), IM2COL("im2col"), DNNL("oneDNN ");

        private final String label;

        Kernel(String label) {
            this.label = label;
        }

        /** The kernel's name; javacpp's oneDNN's with the version that runs. */
        public String label() {
            return this == DNNL ? label + DnnlConvolution.version() : label;
        }
    }

    /** A layer shape: the pass's geometry, and whether it computes the gradient with respect to the input. */
    public record Shape(Im2colConvolution.Geometry geometry, boolean inputGradient) {}

    /** A shape's kernel, and the fastest timed round of each kernel in ms (empty when chosen by the rule). */
    public record Choice(Kernel kernel, Map<Kernel, Double> timedMs) {
        static Choice byRule(Kernel kernel) {
            return new Choice(kernel, Map.of());
        }

        public String describe() {
            String how = timedMs.isEmpty() ? "by rule" : "timed: " + timedMs.entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, "%s %.1f ms", e.getKey().label(), e.getValue()))
                    .collect(Collectors.joining(", "));
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
        // Small maps are not timed: oneDNN 2.3 lost there in every process and on both processors measured
        // (conv-backward.md and its history), and timing them, C2's widest layers, kept C2's peak RSS above the rule's
        // even with the timed passes' arrays freed (conv-backward-choice-at-61230ed.md against conv-backward-choice.md).
        if (!timed() || shape.geometry().positions() <= SMALL_MAP) return Choice.byRule(byRule(shape));
        Choice known = TIMED.get(shape);
        if (known != null) return known;
        // One shape timed at a time: two trials of one process timing at once would each slow the other's kernels.
        synchronized (TIMED) {
            return TIMED.computeIfAbsent(shape, s -> time(runOnce));
        }
    }

    /** Every kernel, which goes first rotating by round; the fastest by its fastest round. */
    static Choice time(ToLongFunction<Kernel> runOnce) {
        Kernel[] kernels = Arrays.stream(Kernel.values()).filter(k -> k != Kernel.DNNL || DnnlConvolution.available())
                .toArray(Kernel[]::new);
        long[] best = new long[kernels.length];
        Arrays.fill(best, Long.MAX_VALUE);
        for (int round = 0; round <= ROUNDS; round++) {
            for (int i = 0; i < kernels.length; i++) {
                int k = (round + i) % kernels.length;
                long ns = runOnce.applyAsLong(kernels[k]);
                if (round > 0) best[k] = Math.min(best[k], ns);
            }
        }
        Map<Kernel, Double> ms = new EnumMap<>(Kernel.class);
        int fastest = 0;
        for (int k = 0; k < kernels.length; k++) {
            ms.put(kernels[k], best[k] / 1e6);
            if (best[k] < best[fastest]) fastest = k;
        }
        return new Choice(kernels[fastest], ms);
    }

    /**
     * The rule (conv-backward-at-191e316.md, conv-backward-threads-1.md, on an AMD EPYC; conv-backward.md on an Intel
     * Xeon, where it holds but for C2's 256-channel layer on 8×8 maps, which oneDNN 2.3 ran faster there, as it did on
     * the EPYC at one thread; {@code timed} picks per process): DL4J's (oneDNN 2.3's Winograd kernels) for 3×3
     * stride-1 layers that compute the input gradient on maps of more than {@link #SMALL_MAP} outputs from fewer than
     * {@link #WIDE_INPUT} channels, where it measured faster; javacpp's oneDNN everywhere else: a network's first layer
     * (no input gradient, which oneDNN 2.3 computes always), small maps, wide inputs and other kernels (C1's 5×5).
     * Where javacpp's oneDNN does not load, the rule of two kernels: DL4J's for every layer of that first kind
     * regardless of its kernel, im2col for the rest.
     */
    public static Kernel byRule(Shape shape) {
        Im2colConvolution.Geometry g = shape.geometry();
        boolean dl4jsGround = shape.inputGradient() && g.positions() > SMALL_MAP && g.c() < WIDE_INPUT;
        if (!DnnlConvolution.available()) return dl4jsGround ? Kernel.DL4J : Kernel.IM2COL;
        boolean winograd = g.kh() == 3 && g.kw() == 3 && g.sy() == 1 && g.sx() == 1;
        return dl4jsGround && winograd ? Kernel.DL4J : Kernel.DNNL;
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
