package dl4jrepro.experiments;

import dl4jrepro.cli.Repro;

import java.util.List;

/**
 * The CIFAR-10 VGG-style CNN (catalogue C2): eight convolutions in four blocks, Adam 1e-4, 5,000 steps of 32.
 * Model family: {@link dl4jrepro.families.CnnFamily}.
 *
 * <p>{@code main} runs them one after another through the one runner, with {@code ./repro run}'s options (e.g.
 * {@code --quick}, {@code --seed 7}, {@code --speedups off}), or only the id given first:
 * {@code REPRO_MAIN=dl4jrepro.experiments.CifarCnn ./repro cifar-cnn-004 --quick}.
 */
public final class CifarCnn {
    /** Its catalogue experiments (specs in experiments/), in the order {@code main} runs them. */
    public static final List<String> EXPERIMENTS = List.of("cifar-cnn-004", "cifar-cnn-004-fit");

    private CifarCnn() {}

    public static void main(String[] args) {
        Repro.experimentMain("CifarCnn", EXPERIMENTS, args);
    }
}
