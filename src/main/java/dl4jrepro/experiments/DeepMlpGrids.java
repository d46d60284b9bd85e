package dl4jrepro.experiments;

import dl4jrepro.cli.Repro;

import java.util.List;

/**
 * The deep MLP grids (catalogue B1–B3): depth, batch norm, dropout, initialisation, activation and optimiser varied
 * over CIFAR-10 MLPs. Model family: {@link dl4jrepro.families.MlpFamily}.
 *
 * <p>{@code main} runs them one after another through the one runner, with {@code ./repro run}'s options (e.g.
 * {@code --quick}, {@code --seed 7}, {@code --speedups off}), or only the id given first:
 * {@code REPRO_MAIN=dl4jrepro.experiments.DeepMlpGrids ./repro deep-mlp-grid-001 --quick}.
 */
public final class DeepMlpGrids {
    /** Its catalogue experiments (specs in experiments/), in the order {@code main} runs them. */
    public static final List<String> EXPERIMENTS = List.of("deep-mlp-grid-000-seeds", "deep-mlp-grid-000",
            "deep-mlp-grid-001-seeds", "deep-mlp-grid-001", "deep-mlp-grid-001-init", "mlp-grid-004-depth-seeds", "mlp-grid-004",
            "mlp-grid-004-depth", "mlp-grid-004-sgd");

    private DeepMlpGrids() {}

    public static void main(String[] args) {
        Repro.experimentMain("DeepMlpGrids", EXPERIMENTS, args);
    }
}
