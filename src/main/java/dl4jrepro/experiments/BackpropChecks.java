package dl4jrepro.experiments;

import dl4jrepro.cli.Repro;

import java.util.List;

/**
 * The backpropagation checks (catalogue E1–E3): gradients against central differences, the reports' closed-form
 * derivations against DL4J's backpropagation, and batch norm written by hand and by SameDiff against DL4J's layer.
 * Model family: {@link dl4jrepro.families.MlpFamily}; the checks themselves are {@link dl4jrepro.checks}.
 *
 * <p>{@code main} runs them one after another through the one runner, with {@code ./repro run}'s options (e.g.
 * {@code --quick}, {@code --seed 7}, {@code --speedups off}), or only the id given first:
 * {@code REPRO_MAIN=dl4jrepro.experiments.BackpropChecks ./repro gradient-check-002 --quick}.
 */
public final class BackpropChecks {
    /** Its catalogue experiments (specs in experiments/), in the order {@code main} runs them. */
    public static final List<String> EXPERIMENTS = List.of("gradient-check-002", "backprop-derivation", "custom-batchnorm-004",
            "custom-batchnorm-004-training");

    private BackpropChecks() {}

    public static void main(String[] args) {
        Repro.experimentMain("BackpropChecks", EXPERIMENTS, args);
    }
}
