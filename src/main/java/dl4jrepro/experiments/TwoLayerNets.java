package dl4jrepro.experiments;

import dl4jrepro.cli.Repro;

import java.util.List;

/**
 * The two-layer nets (catalogue A0–A11 and the quick start): input → one hidden layer → softmax, trained by SGD,
 * momentum or Adam on CIFAR-10 or MNIST; the course's toy run replayed exactly, grids, repeats, variants, the
 * assignment's default run beside the best, a learning-rate range test, a momentum sweep and a coarse-to-fine search.
 * Model family: {@link dl4jrepro.families.MlpFamily}.
 *
 * <p>{@code main} runs them one after another through the one runner, with {@code ./repro run}'s options (e.g.
 * {@code --quick}, {@code --seed 7}, {@code --speedups off}), or only the id given first:
 * {@code REPRO_MAIN=dl4jrepro.experiments.TwoLayerNets ./repro two-layer-torch-000 --quick}.
 */
public final class TwoLayerNets {
    /** Its catalogue experiments (specs in experiments/), in the order {@code main} runs them. */
    public static final List<String> EXPERIMENTS = List.of("toy-sgd-000", "quickstart", "two-layer-repeat-000", "two-layer-grid-000", "two-layer-variants-000",
            "two-layer-variants-000-dropout",
            "two-layer-grid-001-seeds", "two-layer-grid-001", "two-layer-grid-001-train", "two-layer-grid-001-collapse",
            "two-layer-default-001",
            "two-layer-default-001-best", "lr-range-test-001-seeds", "lr-range-test-001",
            "lr-range-test-001-batch",
            "two-layer-torch-000-seeds", "two-layer-torch-000", "two-layer-torch-000-train",
            "momentum-sweep-002",
            // each A7 stage after the repeats its tolerances are measured on
            "coarse-fine-search-002-seeds", "coarse-fine-search-002", "coarse-fine-search-002-fine-seeds",
            "coarse-fine-search-002-fine", "coarse-fine-search-002-final-seeds", "coarse-fine-search-002-final",
            "coarse-fine-search-002-batch", "coarse-fine-search-002-init", "coarse-fine-search-002-input", "mlp-defaults-004-seeds",
            "mlp-defaults-004");

    private TwoLayerNets() {}

    public static void main(String[] args) {
        Repro.experimentMain("TwoLayerNets", EXPERIMENTS, args);
    }
}
