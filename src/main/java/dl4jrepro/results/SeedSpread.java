package dl4jrepro.results;

import dl4jrepro.base.Metrics;
import dl4jrepro.base.UserError;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.ExperimentSpec.Spread;

import java.nio.file.Path;
import java.util.List;

/**
 * A figure's measured spread: the sample sd of {@link Spread#metric} over the completed repeats recorded by its spread
 * experiment (a search that repeats one configuration over seeds). Read from that stage's trials, so a tolerance moves with
 * the records it rests on and never with a number typed into a spec.
 *
 * @param experiment the spread experiment's id
 * @param seeds      completed repeats with a finite value
 * @param sd         their sample sd (NaN below two repeats)
 */
public record SeedSpread(String experiment, int seeds, double sd) {

    /** Fewer repeats than this give no tolerance: an sd from two or three values is itself too uncertain. */
    public static final int MIN_SEEDS = 5;

    /** The spread {@code spread} names, read from its experiment's folder under {@code resultsRoot}; none recorded give 0 seeds. */
    public static SeedSpread measure(Path resultsRoot, Spread spread) {
        String id = spread.experiment();
        Metrics.AggregateText what = Metrics.aggregate("sd(" + spread.metric() + ")").orElseThrow(
                () -> new UserError("spread.metric '" + spread.metric() + "' is no metric of a repeat"));
        List<RunRecord> repeats = new TrialStore(ResultsStore.folderOf(resultsRoot, id)).load().values().stream()
                .filter(r -> "completed".equals(r.status()) && Metrics.matches(r.settings(), what.filter())).toList();
        if (repeats.stream().map(RunRecord::hyperparameters).distinct().count() > 1) {
            throw new UserError(id + " repeats more than one configuration under '" + spread.metric() + "'; a spread must "
                    + "pick one: give its search just \"seeds\", or filter the metric to one configuration");
        }
        double[] values = repeats.stream().mapToDouble(r -> r.metric(what.metric())).filter(Double::isFinite).toArray();
        return new SeedSpread(id, values.length, Metrics.sampleSd(values));
    }

    public boolean enough() {
        return seeds >= MIN_SEEDS && Double.isFinite(sd);
    }

    /** The allowed difference from a report value: Z × sd plus the report's own rounding. */
    public double tolerance(ExperimentSpec.Figure f) {
        return Spread.Z * sd + f.reportRounding();
    }
}
