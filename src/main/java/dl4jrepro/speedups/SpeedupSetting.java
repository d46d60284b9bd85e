package dl4jrepro.speedups;

import dl4jrepro.base.UserError;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which of this project's faster implementations a run may use: {@code on} (all, the default), {@code off} (DL4J's
 * own code throughout), a comma list of kinds (only those, e.g. {@code pool,batchnorm}) or of kinds each with a minus
 * (all but those, e.g. {@code -batchnorm}).
 */
public record SpeedupSetting(Set<Kind> enabled) {
    public static final SpeedupSetting ON = new SpeedupSetting(EnumSet.allOf(Kind.class));
    public static final SpeedupSetting OFF = new SpeedupSetting(EnumSet.noneOf(Kind.class));

    /** What can be swapped in, in the order substitutions are listed. */
    public enum Kind {
        ONEDNN("onednn", "DL4J's built-in convolution, pooling and batch-norm code", "oneDNN layer helpers"),
        CONV("conv", "ConvolutionLayer", "FastConv"),
        POOL("pool", "SubsamplingLayer (2×2 max)", "FastMaxPool"),
        BATCHNORM("batchnorm", "BatchNormalization", "FastBatchNorm"),
        DENSE("dense", "DenseLayer", "FastDense"),
        RELU("relu", "ActivationReLU (an ActivationLayer of it too)", "FastReLU (FastActivation)"),
        ADAM("adam", "Adam", "FastAdam"),
        ADADELTA("adadelta", "TorchAdadelta", "FastAdadelta"),
        L2("l2", "L2Regularization", "FastL2"),
        STEP("step", "MultiLayerNetwork.fit", "DenseStep"),
        UPDATE("update", "MultiLayerNetwork.fit's update (÷ minibatch, L2, updater, params −= step)", "FusedUpdateStep");

        private final String label, replaced, replacement;

        Kind(String label, String replaced, String replacement) {
            this.label = label;
            this.replaced = replaced;
            this.replacement = replacement;
        }

        public String label() {
            return label;
        }

        public String replaced() {
            return replaced;
        }

        public String replacement() {
            return replacement;
        }
    }

    public boolean has(Kind kind) {
        return enabled.contains(kind);
    }

    /** This setting less one kind. */
    public SpeedupSetting without(Kind kind) {
        Set<Kind> rest = enabled.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(enabled);
        rest.remove(kind);
        return new SpeedupSetting(rest);
    }

    /** Parses a setting as a user writes it; {@code where} names the option or field, for the error. */
    public static SpeedupSetting parse(String text, String where) {
        String t = text == null ? "" : text.trim();
        if (t.equals("on")) return ON;
        if (t.equals("off")) return OFF;
        String[] parts = t.split("\\s*,\\s*");
        boolean minus = parts[0].startsWith("-");
        EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (String part : parts) {
            if (part.startsWith("-") != minus) {
                throw new UserError(where + " " + text + ": give kinds to use (pool,adam) or kinds to leave out "
                        + "(-pool,-adam), not both");
            }
            String name = minus ? part.substring(1) : part;
            Kind kind = Arrays.stream(Kind.values()).filter(k -> k.label.equals(name)).findFirst()
                    .orElseThrow(() -> new UserError(where + " " + text + ": unknown speed-up '" + name + "'; use on, "
                            + "off, or a comma list of " + labels() + " (each with a leading - to leave it out)"));
            kinds.add(kind);
        }
        if (!minus) return new SpeedupSetting(kinds);
        EnumSet<Kind> rest = EnumSet.allOf(Kind.class);
        rest.removeAll(kinds);
        return new SpeedupSetting(rest);
    }

    private static String labels() {
        return Arrays.stream(Kind.values()).map(Kind::label).collect(Collectors.joining(", "));
    }

    /** The setting as {@link #parse} reads it: on, off, or the kinds it allows. */
    @Override
    public String toString() {
        if (enabled.equals(ON.enabled)) return "on";
        if (enabled.isEmpty()) return "off";
        return enabled.stream().map(Kind::label).collect(Collectors.joining(","));
    }
}
