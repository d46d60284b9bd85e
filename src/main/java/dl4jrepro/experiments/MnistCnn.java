package dl4jrepro.experiments;

import dl4jrepro.cli.Repro;

import java.util.List;

/**
 * The MNIST CNN (catalogue C1): conv32 → conv64 → pool → dense 512 with batch norm and dropout on augmented digits,
 * and its one-factor-at-a-time comparisons. Model family: {@link dl4jrepro.families.CnnFamily}.
 *
 * <p>{@code main} runs them one after another through the one runner, with {@code ./repro run}'s options (e.g.
 * {@code --quick}, {@code --seed 7}, {@code --speedups off}), or only the id given first:
 * {@code REPRO_MAIN=dl4jrepro.experiments.MnistCnn ./repro mnist-cnn-003 --quick}.
 */
public final class MnistCnn {
    /** Its catalogue experiments (specs in experiments/), in the order {@code main} runs them. */
    public static final List<String> EXPERIMENTS = List.of("mnist-cnn-003", "mnist-cnn-003-comparisons");

    private MnistCnn() {}

    public static void main(String[] args) {
        Repro.experimentMain("MnistCnn", EXPERIMENTS, args);
    }
}
