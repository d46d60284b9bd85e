package dl4jrepro.search;

import dl4jrepro.base.Metrics;
import dl4jrepro.results.RunRecord;
import dl4jrepro.run.ResolvedConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A figure computed over the trials of a search, written {@code agg(metric)} or {@code agg(metric | key=value, ...)}:
 * {@code max}, {@code min}, {@code mean}, {@code sd} (sample), {@code best} (the metric's value in the trial ranked
 * first by the table's sortBy), {@code diverged} (the fraction of the trials that diverged; the metric is ignored) or
 * {@code topK} (how many of the K trials with the highest metric pass the filter, e.g. {@code top20(best.val_acc |
 * optimizer=sgd)}), {@code bestmean} / {@code rankmean} (over configurations' means across seeds and folds: the best
 * mean, or the rank of the configuration the filter picks), {@code bestat_KEY} (the setting KEY of the trial with the
 * best metric, highest or for losses lowest, e.g. {@code bestat_lr(best.test_acc | optimizer=sgd)}: which rate
 * wins for SGD, a report's claim held as a figure), {@code ratio} (the mean over one filter's trials divided by the
 * mean over another's, {@code ratio(final.ms_per_step | label=Adam / label=plain SGD)}). The filter keeps trials whose setting {@code key} (an override, or else the spec's hyperparameter)
 * equals {@code value}. Diverged and
 * failed trials count with their metrics (a diverged trial has none).
 */
public record Aggregate(String function, String metric, Map<String, String> filter, Map<String, String> over) {
    public Aggregate(String function, String metric, Map<String, String> filter) {
        this(function, metric, filter, null);
    }

    /** Parses an aggregate, or returns null if {@code text} is not one. */
    public static Aggregate parse(String text) {
        return Metrics.aggregate(text).map(a -> new Aggregate(a.function(), a.metric(), a.filter(), a.over())).orElse(null);
    }

    public double evaluate(List<RunRecord> trials, String sortBy) {
        if (function.equals("ratio")) {
            return new Aggregate("mean", metric, filter).evaluate(trials, sortBy)
                    / new Aggregate("mean", metric, over).evaluate(trials, sortBy);
        }
        if (function.equals("bestmean") || function.equals("rankmean")) return overConfigurations(trials);
        if (function.startsWith("top")) {
            // How many of the k best trials by the metric pass the filter.
            int k = Integer.parseInt(function.substring(3));
            return trials.stream().filter(t -> Double.isFinite(t.metric(metric)))
                    .sorted(Comparator.comparingDouble((RunRecord t) -> t.metric(metric)).reversed()
                            .thenComparing(RunRecord::trialIndex))
                    .limit(k).filter(t -> Metrics.matches(t.settings(), filter)).count();
        }
        List<RunRecord> kept = new ArrayList<>();
        for (RunRecord t : trials) if (Metrics.matches(t.settings(), filter)) kept.add(t);
        if (function.equals("diverged")) {
            return kept.isEmpty() ? Double.NaN
                    : (double) kept.stream().filter(t -> t.status().equals("diverged")).count() / kept.size();
        }
        if (function.startsWith("bestat_")) {
            double sign = Metrics.lowerIsBetter(metric) ? -1 : 1;
            Object setting = kept.stream().filter(t -> Double.isFinite(t.metric(metric)))
                    .max(Comparator.comparingDouble((RunRecord t) -> sign * t.metric(metric)).thenComparing(t -> -t.trialIndex()))
                    .map(t -> t.settings().get(function.substring("bestat_".length()))).orElse(null);
            return setting instanceof Number n ? n.doubleValue() : Double.NaN;
        }
        if (function.equals("best")) {
            return kept.stream().filter(t -> Double.isFinite(t.metric(sortBy)))
                    .max(Comparator.comparingDouble((RunRecord t) -> t.score(sortBy))
                            .thenComparing(t -> -t.trialIndex()))
                    .map(t -> t.metric(metric)).orElse(Double.NaN);
        }
        double[] v = kept.stream().mapToDouble(t -> t.metric(metric)).filter(Double::isFinite).toArray();
        if (v.length == 0) return Double.NaN;
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        return switch (function) {
            case "max" -> Arrays.stream(v).max().getAsDouble();
            case "min" -> Arrays.stream(v).min().getAsDouble();
            case "mean" -> mean;
            default -> Metrics.sampleSd(v);
        };
    }

    /**
     * Over configurations, each the mean of the metric over its repeats (seeds, folds): {@code bestmean} is the best
     * such mean (lowest for losses), {@code rankmean} the rank (1 = best) of the configuration the filter picks.
     * Configurations without a finite value (every repeat diverged) have no mean and no rank.
     */
    private double overConfigurations(List<RunRecord> trials) {
        List<Map.Entry<Map<String, Object>, List<RunRecord>>> ranked = rankedConfigurations(trials, metric).stream()
                .filter(g -> Double.isFinite(meanOf(g.getValue(), metric))).toList();
        if (ranked.isEmpty()) return Double.NaN;
        if (function.equals("bestmean")) return meanOf(ranked.get(0).getValue(), metric);
        for (int i = 0; i < ranked.size(); i++) if (Metrics.matches(ranked.get(i).getKey(), filter)) return i + 1;
        return Double.NaN;
    }

    /**
     * The trials grouped by configuration (see {@link #configuration}), in order of first appearance, then ranked by the
     * mean of {@code metric} over each group's finite values, best first (lowest for losses); groups without a finite
     * value go last. The one ranking of repeats and folds, for tables and figures alike.
     */
    static List<Map.Entry<Map<String, Object>, List<RunRecord>>> rankedConfigurations(List<RunRecord> trials, String metric) {
        Map<Map<String, Object>, List<RunRecord>> groups = new LinkedHashMap<>();
        for (RunRecord t : trials) groups.computeIfAbsent(configuration(t), k -> new ArrayList<>()).add(t);
        List<Map.Entry<Map<String, Object>, List<RunRecord>>> ranked = new ArrayList<>(groups.entrySet());
        double sign = Metrics.lowerIsBetter(metric) ? -1 : 1;
        ranked.sort(Comparator.comparingDouble((Map.Entry<Map<String, Object>, List<RunRecord>> g) -> {
            double m = meanOf(g.getValue(), metric);
            return Double.isNaN(m) ? Double.POSITIVE_INFINITY : -sign * m;
        }));
        return ranked;
    }

    /** The mean of a metric over the trials that have a finite value of it, or NaN. */
    static double meanOf(List<RunRecord> trials, String metric) {
        return trials.stream().mapToDouble(t -> t.metric(metric)).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    /** What makes a trial's configuration: its overrides without the fold (seeds are not overrides). */
    static Map<String, Object> configuration(RunRecord t) {
        Map<String, Object> c = new TreeMap<>(t.settings());
        c.remove(ResolvedConfig.FOLD);
        return c;
    }
}
