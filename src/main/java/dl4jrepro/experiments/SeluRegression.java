package dl4jrepro.experiments;

import dl4jrepro.cli.Repro;

import java.util.List;

/**
 * The SELU regression (catalogue D0, D1): a 1-16-64-1 net on a noisy 1-D function with dark intervals; its size and
 * first activation chosen from 3 × 128 ReLU downwards, then a random search, 5-fold cross-validation and a final
 * 50,000-epoch fit. Model family: {@link dl4jrepro.families.MlpFamily}.
 *
 * <p>{@code main} runs them one after another through the one runner, with {@code ./repro run}'s options (e.g.
 * {@code --quick}, {@code --seed 7}, {@code --speedups off}), or only the id given first:
 * {@code REPRO_MAIN=dl4jrepro.experiments.SeluRegression ./repro regression-selu-003-final --quick}.
 */
public final class SeluRegression {
    /** Its catalogue experiments (specs in experiments/), in the order {@code main} runs them. */
    public static final List<String> EXPERIMENTS = List.of("regression-capacity-003",
            "regression-capacity-003-relu", "regression-selu-003-random", "regression-selu-003", "regression-selu-003-final",
            "regression-selu-003-nol2");

    private SeluRegression() {}

    public static void main(String[] args) {
        Repro.experimentMain("SeluRegression", EXPERIMENTS, args);
    }
}
