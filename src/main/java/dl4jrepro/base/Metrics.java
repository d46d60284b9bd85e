package dl4jrepro.base;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of what a run measures, shared by the specs that ask for them and the records that hold them: {@code
 * last.<column>} (final evaluation), {@code best.<column>} (best evaluation: highest accuracy, lowest loss), {@code
 * atbest.<column>} (at the best validation accuracy) and {@code final.<name>} (measured once after training), and the
 * aggregates over a search's trials, {@code agg(metric)} or {@code agg(metric | key=value, ...)}.
 */
public final class Metrics {
    /** Metrics measured once after training. */
    public static final List<String> FINAL = List.of("test_loss", "test_acc",
            // the whole training split, where the spec reads it (an inference pass over all of it)
            "train_full_loss", "train_full_acc",
            "train_seconds", "ms_per_step", "best_epoch", "stopped_epoch",
            // the wall time of everything scored once after training (test, the whole training set, the batch spread),
            // so a run's wall divides into training, evaluation during training, final scoring and the rest
            "final_scoring_seconds",
            // a dense first layer on image input: how noisy its units' weights are as images (1 white noise, 0 smooth)
            "first_layer_roughness",
            // root mean square of every weight (not the biases), for what a penalty does to them
            "weight_rms",
            // a single run that diverged: its NaN network scored anyway (argmax of its outputs), on train and validation
            "diverged_train_full_acc", "diverged_val_acc",
            // a learning-rate range test (lrGrowthPerStep): log10 of the rate where the smoothed loss falls fastest,
            // where it is lowest, and where the test ended
            "lr_range_log10_steepest", "lr_range_log10_lowest", "lr_range_log10_end",
            // one training minibatch at a time after training (runs whose train metric is "last-batch", where the spec
            // reads them): mean and sd over batches, scored as last.train_* is (inference mode) and as a training
            // step's forward pass is
            "batch_loss_mean", "batch_loss_sd", "batch_acc_mean", "batch_acc_sd",
            "batch_loss_mean_train_mode", "batch_loss_sd_train_mode", "batch_acc_mean_train_mode", "batch_acc_sd_train_mode");
    /** The whole training split's scores after training (final.train_full_loss, _acc). */
    public static final String TRAIN_FULL = "final.train_full_";
    /** The one-minibatch spread after training (final.batch_*). */
    public static final String BATCH_SPREAD = "final.batch_";
    /** The kinds of final metric a run scores only where its spec reads one of that kind: costly passes few specs read. */
    public static final List<String> SCORED_WHERE_READ = List.of(TRAIN_FULL, BATCH_SPREAD);
    /** The final metrics that are wall times, not figures of the model: they differ between two runs of one trial. */
    public static final List<String> FINAL_TIMES = List.of("train_seconds", "ms_per_step", "final_scoring_seconds");
    private static final Pattern AGGREGATE =
            Pattern.compile("(max|min|mean|sd|best|diverged|bestmean|rankmean|ratio|top\\d+|bestat_[A-Za-z.]+)\\(\\s*([a-z0-9_.]+)\\s*(?:\\|(.*))?\\)");

    private Metrics() {}

    /** Sample standard deviation (n − 1 in the denominator); NaN for fewer than two values. */
    public static double sampleSd(double[] v) {
        if (v.length < 2) return Double.NaN;
        double mean = Arrays.stream(v).average().getAsDouble();
        return Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (v.length - 1));
    }

    /** An aggregate as written in a spec: function, metric and the filter's key=value pairs in order. */
    /** @param over for {@code ratio}: the denominator's filter (the numerator's is {@code filter}); else null */
    public record AggregateText(String function, String metric, Map<String, String> filter, Map<String, String> over) {}

    public static boolean lowerIsBetter(String name) {
        return name.endsWith("_loss");
    }

    /** The curve column a metric reads, e.g. {@code val_acc}. */
    public static ToDoubleFunction<CurvePoint> column(String column) {
        return switch (column) {
            case "train_loss" -> CurvePoint::trainLoss;
            case "train_acc" -> CurvePoint::trainAcc;
            case "val_loss" -> CurvePoint::valLoss;
            case "val_acc" -> CurvePoint::valAcc;
            case "test_loss" -> CurvePoint::testLoss;
            case "test_acc" -> CurvePoint::testAcc;
            case "train_top_share" -> p -> p.trainTopShare() == null ? Double.NaN : p.trainTopShare();
            case "val_top_share" -> p -> p.valTopShare() == null ? Double.NaN : p.valTopShare();
            default -> throw new IllegalArgumentException("unknown curve column '" + column + "'");
        };
    }

    /** Whether {@code name} is a metric a run can have, for checking specs before anything runs. */
    public static boolean isValid(String name) {
        int dot = name.indexOf('.');
        if (dot < 0) return false;
        String prefix = name.substring(0, dot), column = name.substring(dot + 1);
        if (prefix.equals("final")) return FINAL.contains(column);
        if (!prefix.equals("last") && !prefix.equals("best") && !prefix.equals("atbest")) return false;
        try {
            column(column);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Parses an aggregate over trials, or gives nothing if {@code text} is not one. */
    public static Optional<AggregateText> aggregate(String text) {
        Matcher m = AGGREGATE.matcher(text.trim());
        if (!m.matches() || !isValid(m.group(2))) return Optional.empty();
        boolean ratio = m.group(1).equals("ratio");
        String[] sides = m.group(3) == null ? new String[0] : m.group(3).split(" / ", -1);
        // A ratio divides the mean over one filter's trials by the mean over another's: "metric | a=1 / a=2".
        if (ratio != (sides.length == 2)) return Optional.empty();
        Map<String, String> filter = sides.length == 0 ? new LinkedHashMap<>() : filter(sides[0]);
        Map<String, String> over = ratio ? filter(sides[1]) : null;
        if (filter == null || ratio && (over == null || filter.isEmpty() || over.isEmpty())) return Optional.empty();
        return Optional.of(new AggregateText(m.group(1), m.group(2), filter, over));
    }

    /** key=value pairs separated by commas; commas inside [...] belong to list values such as hidden=[250, 50]. */
    private static Map<String, String> filter(String text) {
        Map<String, String> filter = new LinkedHashMap<>();
        for (String part : text.split(",(?![^\\[]*\\])")) {
            String[] kv = part.split("=", 2);
            if (kv.length != 2 || kv[0].isBlank()) return null;
            filter.put(kv[0].trim(), kv[1].trim());
        }
        return filter;
    }

    /** Whether a trial's settings hold every key=value of the filter (numbers compared as numbers). */
    public static boolean matches(Map<String, Object> settings, Map<String, ?> filter) {
        for (Map.Entry<String, ?> f : filter.entrySet()) {
            if (!sameValue(settings.get(f.getKey()), f.getValue())) return false;
        }
        return true;
    }

    public static boolean sameValue(Object a, Object b) {
        if (a == null || b == null) return a == b;
        Double x = number(a), y = number(b);
        if (x != null && y != null) return Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
        return Objects.equals(normal(a), normal(b));
    }

    private static Double number(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        try {
            return Double.valueOf(String.valueOf(o).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String normal(Object o) {
        return String.valueOf(o).replace(" ", "").replace("[", "").replace("]", "");
    }
}
