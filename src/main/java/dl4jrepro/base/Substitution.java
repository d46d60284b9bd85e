package dl4jrepro.base;

import java.util.List;

/**
 * One kind of this project's faster code a network ran instead of DL4J's own, as every result records it.
 *
 * @param kind        its name in a speed-up setting (dense, conv, pool, batchnorm, relu, adam, step, onednn)
 * @param replaced    what DL4J would have run
 * @param replacement what ran instead
 * @param layers      the indices of the layers concerned; empty where the whole network is (the training step)
 */
public record Substitution(String kind, String replaced, String replacement, List<Integer> layers) {
    /** One line for tables and logs, e.g. "FastDense for DenseLayer (layers 0, 1)". */
    public String describe() {
        return replacement + " for " + replaced + (layers.isEmpty() ? ""
                : layers.size() == 1 ? " (layer " + layers.get(0) + ")"
                : " (layers " + String.join(", ", layers.stream().map(String::valueOf).toList()) + ")");
    }

    /** What a list of substitutions says about the code that ran: "DL4J layers (no substitutions)" for none. */
    public static String describe(List<Substitution> substitutions) {
        if (substitutions == null) return "not recorded (results from before substitutions were recorded)";
        return substitutions.isEmpty() ? "DL4J layers (no substitutions)"
                : String.join("; ", substitutions.stream().map(Substitution::describe).toList());
    }
}
