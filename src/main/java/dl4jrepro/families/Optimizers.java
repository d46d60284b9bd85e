package dl4jrepro.families;

import dl4jrepro.spec.Hyperparameters;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

import java.util.Set;

/**
 * How every family learns: {@code optimizer} (sgd; momentum with {@code momentum}, classical heavy-ball; adam with
 * {@code beta1}, {@code beta2}, {@code epsilon}; adadelta with {@code rho}, {@code adadeltaEpsilon} and a learning rate,
 * as PyTorch has it), {@code lr}, {@code lrDecayPerEpoch} (×factor after every epoch, 1 = constant) or
 * {@code lrGrowthPerStep} (×factor after every step: a learning-rate range test), {@code l2} and
 * {@code l2Bias} (coefficient c adds c·w to the gradient, i.e. PyTorch's weight_decay) or {@code reg} (λ of a λ‖W‖² loss
 * term on the weights, as the NumPy reports write it) or {@code weightDecay} (PyTorch's weight_decay, on weights and
 * biases alike), and {@code batch}.
 */
final class Optimizers {
    private static final Set<String> OPTIMIZERS = Set.of("sgd", "momentum", "adam", "adadelta");
    /** The hyperparameters read here. */
    static final Set<String> KEYS = Set.of("optimizer", "lr", "lrDecayPerEpoch", "lrGrowthPerStep", "l2", "l2Bias", "reg", "weightDecay",
            "batch", "momentum", "rho", "adadeltaEpsilon", "beta1", "beta2", "epsilon");

    private Optimizers() {}

    static void validate(Hyperparameters hp) {
        hp.check(OPTIMIZERS.contains(hp.getString("optimizer")), "optimizer", "use one of " + OPTIMIZERS);
        hp.check(hp.getDouble("lr") > 0, "lr", "must be positive");
        double decay = hp.getDouble("lrDecayPerEpoch", 1.0);
        hp.check(decay > 0 && decay <= 1, "lrDecayPerEpoch", "must be in (0, 1]");
        hp.check(!hp.has("lrGrowthPerStep") || hp.getDouble("lrGrowthPerStep") > 1 && decay == 1, "lrGrowthPerStep",
                "must exceed 1 (a range test's growth per step), and lrDecayPerEpoch must then be 1");
        hp.check(hp.getDouble("l2", 0) >= 0, "l2", "must be zero or positive");
        hp.check(hp.getDouble("l2Bias", 0) >= 0, "l2Bias", "must be zero or positive");
        hp.check(hp.getDouble("reg", 0) >= 0, "reg", "must be zero or positive");
        hp.check(hp.getDouble("reg", 0) == 0 || hp.getDouble("l2", 0) == 0, "reg",
                "give either reg (λ of λ‖W‖², the NumPy reports) or l2 (PyTorch weight decay), not both");
        hp.check(hp.getDouble("weightDecay", 0) >= 0, "weightDecay", "must be zero or positive");
        hp.check(!hp.has("weightDecay") || !hp.has("l2") && !hp.has("l2Bias") && !hp.has("reg"), "weightDecay",
                "replaces l2, l2Bias and reg: give only one of them");
        hp.check(hp.getInt("batch") > 0, "batch", "must be at least 1");
        switch (hp.getString("optimizer")) {
            case "momentum" -> hp.check(hp.getDouble("momentum") >= 0 && hp.getDouble("momentum") < 1, "momentum",
                    "must be in [0, 1)");
            case "adadelta" -> {
                hp.check(hp.getDouble("rho") > 0 && hp.getDouble("rho") < 1, "rho", "must be in (0, 1)");
                hp.check(hp.getDouble("adadeltaEpsilon") > 0, "adadeltaEpsilon", "must be positive");
            }
            case "adam" -> {
                hp.check(hp.getDouble("beta1") >= 0 && hp.getDouble("beta1") < 1, "beta1", "must be in [0, 1)");
                hp.check(hp.getDouble("beta2") >= 0 && hp.getDouble("beta2") < 1, "beta2", "must be in [0, 1)");
                hp.check(hp.getDouble("epsilon") > 0, "epsilon", "must be positive");
            }
            default -> { }
        }
    }

    static IUpdater updater(Hyperparameters hp, int stepsPerEpoch) {
        double lr = hp.getDouble("lr");
        // ×decay once per epoch, counted in iterations so it does not depend on DL4J's epoch counter.
        ISchedule schedule = hp.has("lrGrowthPerStep")
                ? new ExponentialSchedule(ScheduleType.ITERATION, lr, hp.getDouble("lrGrowthPerStep"))
                : new StepSchedule(ScheduleType.ITERATION, lr, hp.getDouble("lrDecayPerEpoch", 1.0), stepsPerEpoch);
        return switch (hp.getString("optimizer")) {
            case "adam" -> new Adam.Builder().learningRateSchedule(schedule)
                    .beta1(hp.getDouble("beta1")).beta2(hp.getDouble("beta2")).epsilon(hp.getDouble("epsilon")).build();
            case "momentum" -> new ClassicalMomentum(hp.getDouble("momentum"), schedule);
            case "adadelta" -> new TorchAdadelta(hp.getDouble("rho"), hp.getDouble("adadeltaEpsilon"), schedule);
            default -> new Sgd(schedule);
        };
    }

    /**
     * DL4J's l2 coefficient c adds c·w to the gradient. The NumPy reports add λ‖W‖² to the loss, whose gradient is 2λW,
     * so their λ ({@code reg}) becomes c = 2λ; PyTorch's weight_decay ({@code l2}) is c itself.
     */
    static double weightPenalty(Hyperparameters hp) {
        if (hp.has("weightDecay")) return hp.getDouble("weightDecay");
        return hp.has("reg") ? 2 * hp.getDouble("reg") : hp.getDouble("l2", 0);
    }

    static double biasPenalty(Hyperparameters hp) {
        return hp.has("weightDecay") ? hp.getDouble("weightDecay") : hp.getDouble("l2Bias", 0);
    }
}
