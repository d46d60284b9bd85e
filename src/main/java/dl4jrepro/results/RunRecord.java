package dl4jrepro.results;

import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.train.CurvePoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Everything one run produced and everything needed to repeat it, the spec as it was included: stored as
 * {@code run.json} and the only input of {@code table}. Metrics are named {@code last.<column>} (final evaluation), {@code best.<column>} (best evaluation
 * during training: highest accuracy, lowest loss) and {@code final.<name>} (measured once after training).
 */
public record RunRecord(
        String experiment,
        String catalogue,
        String title,
        String family,
        String status,
        String failure,
        boolean quick,
        String command,
        ExperimentSpec spec,
        Integer trialIndex,
        String trialId,
        long seed,
        Map<String, Object> overrides,
        Map<String, Object> hyperparameters,
        Map<String, Object> budget,
        Map<String, Object> data,
        Map<String, Object> backend,
        Map<String, Object> software,
        String started,
        double wallSeconds,
        double trainSeconds,
        double evalSeconds,
        double samplesPerSecond,
        long parameters,
        List<CurvePoint> curve,
        Map<String, Double> finalMetrics,
        int[][] testConfusion) {

    /**
     * Every setting of this run by name: its hyperparameters, then its overrides on top (which also name budget and
     * data settings and labels). A trial that kept the spec's value of a key still has it here.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public Map<String, Object> settings() {
        Map<String, Object> all = new LinkedHashMap<>();
        if (hyperparameters() != null) all.putAll(hyperparameters());
        if (overrides() != null) all.putAll(overrides());
        return all;
    }

    /** Prefix of the final metrics that record where a stopped run continued from its checkpoint (1, 2, ...). */
    public static final String RESUMED_AT_STEP = "resumed_at_step_";

    /** The steps at which this run continued from a checkpoint, in order; empty for a run that was never stopped. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public List<Long> resumedAtSteps() {
        return finalMetrics.entrySet().stream().filter(e -> e.getKey().startsWith(RESUMED_AT_STEP))
                .map(e -> e.getValue().longValue()).sorted().toList();
    }

    /** The metric oriented so that higher is better: losses (lower is better) are negated. */
    public double score(String name) {
        return lowerIsBetter(name) ? -metric(name) : metric(name);
    }

    public static boolean lowerIsBetter(String name) {
        return name.endsWith("_loss");
    }

    /** The value of a metric name, or NaN when this run has none (e.g. it diverged before its first evaluation). */
    public double metric(String name) {
        int dot = name.indexOf('.');
        if (dot < 0) throw new IllegalArgumentException("metric '" + name + "' needs a prefix: last., best. or final.");
        String prefix = name.substring(0, dot), column = name.substring(dot + 1);
        if (prefix.equals("final")) {
            Double v = finalMetrics.get(column);
            return v == null ? Double.NaN : v;
        }
        ToDoubleFunction<CurvePoint> get = column(column);
        if (curve.isEmpty()) return Double.NaN;
        return switch (prefix) {
            case "last" -> get.applyAsDouble(curve.get(curve.size() - 1));
            case "atbest" -> atBestValidation().map(get::applyAsDouble).orElse(Double.NaN);
            case "best" -> column.endsWith("_loss")
                    ? curve.stream().mapToDouble(get).filter(Double::isFinite).min().orElse(Double.NaN)
                    : curve.stream().mapToDouble(get).filter(Double::isFinite).max().orElse(Double.NaN);
            default -> throw new IllegalArgumentException("metric '" + name + "': prefix must be last, best, atbest or final");
        };
    }

    /** The first evaluation with the highest validation accuracy: where early stopping keeps the weights. */
    private Optional<CurvePoint> atBestValidation() {
        CurvePoint best = null;
        for (CurvePoint p : curve) if (Double.isFinite(p.valAcc()) && (best == null || p.valAcc() > best.valAcc())) best = p;
        return Optional.ofNullable(best);
    }

    static ToDoubleFunction<CurvePoint> column(String column) {
        return switch (column) {
            case "train_loss" -> CurvePoint::trainLoss;
            case "train_acc" -> CurvePoint::trainAcc;
            case "val_loss" -> CurvePoint::valLoss;
            case "val_acc" -> CurvePoint::valAcc;
            case "test_loss" -> CurvePoint::testLoss;
            case "test_acc" -> CurvePoint::testAcc;
            default -> throw new IllegalArgumentException("unknown curve column '" + column + "'");
        };
    }

    /** Whether {@code name} is a metric a run can have, for checking specs before anything runs. */
    public static boolean isValidMetric(String name) {
        int dot = name.indexOf('.');
        if (dot < 0) return false;
        String prefix = name.substring(0, dot), column = name.substring(dot + 1);
        if (prefix.equals("final")) return FINAL_METRICS.contains(column);
        if (!prefix.equals("last") && !prefix.equals("best") && !prefix.equals("atbest")) return false;
        try {
            column(column);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Metrics measured once after training. */
    public static final List<String> FINAL_METRICS = List.of("test_loss", "test_acc", "train_full_loss", "train_full_acc",
            "train_seconds", "ms_per_step", "best_epoch", "stopped_epoch");
}
