package dl4jrepro.results;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Metrics;
import dl4jrepro.base.Substitution;
import dl4jrepro.spec.ExperimentSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Everything one run produced and everything needed to repeat it, the spec as it was included: stored as
 * {@code run.json} and the only input of {@code table}. Metrics are named {@code last.<column>} (final evaluation), {@code best.<column>} (best evaluation
 * during training: highest accuracy, lowest loss) and {@code final.<name>} (measured once after training).
 * {@code speedups} is the setting the run had and {@code substitutions} what of this project's faster code it ran
 * instead of DL4J's (empty: DL4J's own code throughout; null: recorded before substitutions were recorded). Built by
 * name with {@link #builder}.
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
        String speedups,
        List<Substitution> substitutions,
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
    /** The key of {@link #software} under which a run continued from checkpoints lists its earlier segments' code. */
    public static final String EARLIER_SEGMENTS = "earlier_segments";

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
        return Metrics.lowerIsBetter(name) ? -metric(name) : metric(name);
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
        ToDoubleFunction<CurvePoint> get = Metrics.column(column);
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

    public static Builder builder() {
        return new Builder();
    }

    /** A copy to change by name. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.experiment = experiment;
        b.catalogue = catalogue;
        b.title = title;
        b.family = family;
        b.status = status;
        b.failure = failure;
        b.quick = quick;
        b.command = command;
        b.spec = spec;
        b.trialIndex = trialIndex;
        b.trialId = trialId;
        b.seed = seed;
        b.overrides = overrides;
        b.hyperparameters = hyperparameters;
        b.budget = budget;
        b.data = data;
        b.backend = backend;
        b.speedups = speedups;
        b.substitutions = substitutions;
        b.software = software;
        b.started = started;
        b.wallSeconds = wallSeconds;
        b.trainSeconds = trainSeconds;
        b.evalSeconds = evalSeconds;
        b.samplesPerSecond = samplesPerSecond;
        b.parameters = parameters;
        b.curve = curve;
        b.finalMetrics = finalMetrics;
        b.testConfusion = testConfusion;
        return b;
    }

    /** Names each field of a record; unset ones are null, zero or false. */
    public static final class Builder {
        private String experiment;
        private String catalogue;
        private String title;
        private String family;
        private String status;
        private String failure;
        private boolean quick;
        private String command;
        private ExperimentSpec spec;
        private Integer trialIndex;
        private String trialId;
        private long seed;
        private Map<String, Object> overrides;
        private Map<String, Object> hyperparameters;
        private Map<String, Object> budget;
        private Map<String, Object> data;
        private Map<String, Object> backend;
        private String speedups;
        private List<Substitution> substitutions;
        private Map<String, Object> software;
        private String started;
        private double wallSeconds;
        private double trainSeconds;
        private double evalSeconds;
        private double samplesPerSecond;
        private long parameters;
        private List<CurvePoint> curve;
        private Map<String, Double> finalMetrics;
        private int[][] testConfusion;

        private Builder() {}

        public Builder experiment(String experiment) {
            this.experiment = experiment;
            return this;
        }

        public Builder catalogue(String catalogue) {
            this.catalogue = catalogue;
            return this;
        }

        public Builder title(String title) {
            this.title = title;
            return this;
        }

        public Builder family(String family) {
            this.family = family;
            return this;
        }

        public Builder status(String status) {
            this.status = status;
            return this;
        }

        public Builder failure(String failure) {
            this.failure = failure;
            return this;
        }

        public Builder quick(boolean quick) {
            this.quick = quick;
            return this;
        }

        public Builder command(String command) {
            this.command = command;
            return this;
        }

        public Builder spec(ExperimentSpec spec) {
            this.spec = spec;
            return this;
        }

        public Builder trialIndex(Integer trialIndex) {
            this.trialIndex = trialIndex;
            return this;
        }

        public Builder trialId(String trialId) {
            this.trialId = trialId;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder overrides(Map<String, Object> overrides) {
            this.overrides = overrides;
            return this;
        }

        public Builder hyperparameters(Map<String, Object> hyperparameters) {
            this.hyperparameters = hyperparameters;
            return this;
        }

        public Builder budget(Map<String, Object> budget) {
            this.budget = budget;
            return this;
        }

        public Builder data(Map<String, Object> data) {
            this.data = data;
            return this;
        }

        public Builder backend(Map<String, Object> backend) {
            this.backend = backend;
            return this;
        }

        public Builder speedups(String speedups) {
            this.speedups = speedups;
            return this;
        }

        public Builder substitutions(List<Substitution> substitutions) {
            this.substitutions = substitutions;
            return this;
        }

        public Builder software(Map<String, Object> software) {
            this.software = software;
            return this;
        }

        public Builder started(String started) {
            this.started = started;
            return this;
        }

        public Builder wallSeconds(double wallSeconds) {
            this.wallSeconds = wallSeconds;
            return this;
        }

        public Builder trainSeconds(double trainSeconds) {
            this.trainSeconds = trainSeconds;
            return this;
        }

        public Builder evalSeconds(double evalSeconds) {
            this.evalSeconds = evalSeconds;
            return this;
        }

        public Builder samplesPerSecond(double samplesPerSecond) {
            this.samplesPerSecond = samplesPerSecond;
            return this;
        }

        public Builder parameters(long parameters) {
            this.parameters = parameters;
            return this;
        }

        public Builder curve(List<CurvePoint> curve) {
            this.curve = curve;
            return this;
        }

        public Builder finalMetrics(Map<String, Double> finalMetrics) {
            this.finalMetrics = finalMetrics;
            return this;
        }

        public Builder testConfusion(int[][] testConfusion) {
            this.testConfusion = testConfusion;
            return this;
        }

        public RunRecord build() {
            return new RunRecord(experiment, catalogue, title, family, status, failure, quick, command, spec,
                    trialIndex, trialId, seed, overrides, hyperparameters, budget, data, backend, speedups, substitutions,
                    software, started, wallSeconds, trainSeconds, evalSeconds, samplesPerSecond, parameters, curve,
                    finalMetrics, testConfusion);
        }
    }
}
