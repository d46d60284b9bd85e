package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import dl4jrepro.bench.PeerBenchmark.PeerModel;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.results.RunRecord;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.run.TrialRunner;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.speedups.SpeedupSetting;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the real training pipeline adds to the bare training step, model by model ({@code experiments/bench/pipeline.json}
 * names the models of {@code catalogue-models.json} and a budget for each). Two kinds of turn, alternated (bare, real,
 * real, bare, ...):
 * <ul>
 * <li>bare: the network's training step on minibatches already in memory, as the peer benchmark times it;</li>
 * <li>real: the experiment trained as its runs train it ({@link TrialRunner}: its data, split and augmentation, the
 *     minibatch gathering, evaluation at the spec's interval, the final scoring), with the workload's budget.</li>
 * </ul>
 * A real turn's wall time splits into the bare step's share of its samples, the rest of the timed step (the training
 * batch's loss and accuracy), evaluation, the final scoring, and everything else (data preparation, gathering and
 * augmenting minibatches). A turn shorter than the spec's budget is also projected to that budget. The data set is
 * read and prepared (split, normalized, augmented) before the turns, as a process does once, and timed apart.
 * Writes {@code results/benchmarks/pipeline-share.{md,json}}, with {@code --models} {@code pipeline-share-<models>};
 * a run of every model also renews the section of {@code latest.md} on the real runs ({@link PipelineSection}).
 *
 * <p>Run: {@code REPRO_DATA_DIR=DIR src/bench/run PipelineShare [--rounds 2] [--models a,b]}
 */
public final class PipelineShare {
    record Entry(String model, Map<String, Object> budget) {}

    record Workload(String about, List<Entry> models) {}

    /** One real turn: its wall time and how it divides, and the steps and evaluations that took it. */
    record RealTurn(double samples, double wallSeconds, double trainSeconds, double evalSeconds, double finalSeconds,
                    int steps, int evaluations, int stepsPerEpoch) {
        double samplesPerSecond() {
            return samples / wallSeconds;
        }

        /** The network's set-up and minibatch gathering: the wall outside training, evaluation and scoring. */
        double otherSeconds() {
            return wallSeconds - trainSeconds - evalSeconds - finalSeconds;
        }

        /**
         * This turn's samples/s had it run {@code budget} instead: training and the rest grow with the steps (an upper
         * bound for the rest, whose set-up is paid once), evaluation with the evaluations, and the final
         * scoring stays one. Early stopping is assumed not to end the longer run sooner.
         */
        double samplesPerSecondAt(ExperimentSpec.Budget budget) {
            int fullSteps = budget.totalSteps(stepsPerEpoch);
            int evalEvery = budget.evalInterval(stepsPerEpoch);
            int fullEvaluations = (fullSteps + evalEvery - 1) / evalEvery;
            double scale = (double) fullSteps / steps;
            double wall = (trainSeconds + otherSeconds()) * scale + evalSeconds * fullEvaluations / evaluations + finalSeconds;
            return samples * scale / wall;
        }
    }

    private PipelineShare() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, PipelineShare::run);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = BenchmarkFiles.options(args, "--rounds N, --models a,b, --epochs N");
        int rounds = BenchmarkFiles.positiveInt(options, "rounds", 2);
        int epochs = BenchmarkFiles.positiveInt(options, "epochs", 3);
        Workload workload = Json.MAPPER.readValue(Path.of("experiments/bench/pipeline.json").toFile(), Workload.class);
        Map<String, PeerModel> models = new LinkedHashMap<>();
        for (PeerModel m : PeerBenchmark.Workload.read(PeerBenchmark.Workload.CATALOGUE).models()) {
            models.put(m.name(), m);
        }
        List<String> only = BenchmarkFiles.selectedModels(options, workload.models().stream().map(Entry::model).toList());
        SpecCatalog specs = new SpecCatalog(Path.of("experiments"));
        DatasetRepository data = new DatasetRepository(DataLocations.resolve(null));
        List<Map<String, Object>> rows = new ArrayList<>();
        BackendInfo backend = null;
        for (Entry e : workload.models()) {
            if (only != null && !only.contains(e.model())) continue;
            PeerModel m = models.get(e.model());
            if (m == null) throw new UserError("pipeline.json names " + e.model() + ", which catalogue-models.json lacks");
            backend = BackendSelector.select("cpu", m.threads(), m.denseOnly());
            rows.add(measure(m, e.budget(), specs.load(m.spec()), data, backend, rounds, epochs));
        }
        String name = BenchmarkFiles.withModels("pipeline-share", only);
        Map<String, Object> out = BenchmarkFiles.figures(name, "real runs' samples/s (data, augmentation, "
                + "evaluation, final scoring included) against the bare training step of the same network, alternating",
                backend == null ? null : backend.oneLine());
        out.put("rounds", rounds);
        out.put("models", rows);
        BenchmarkFiles.write(name, out, markdown(rows, rounds, backend, String.join(" ", args)));
        if (only == null) PipelineSection.refreshLatest(BenchmarkFiles.DIR);
    }

    private static Map<String, Object> measure(PeerModel m, Map<String, Object> budget, ExperimentSpec spec,
                                               DatasetRepository data, BackendInfo backend, int rounds, int epochs) {
        PeerBenchmark.Trainee bare = PeerBenchmark.trainee(m, backend);
        Map<String, Object> modelOverrides = m.overrides() == null ? Map.of() : m.overrides();
        Map<String, Object> overrides = new LinkedHashMap<>(modelOverrides);
        overrides.putAll(budget);
        ResolvedConfig config = ResolvedConfig.of(spec, false, overrides);
        ExperimentSpec.Budget full = ResolvedConfig.of(spec, false, modelOverrides).budget();
        SpeedupSetting speedups = spec.speedups() == null ? SpeedupSetting.ON : SpeedupSetting.parse(spec.speedups(), spec.id());
        TrialRunner runner = new TrialRunner(backend, speedups, data, System.out);
        // A process prepares a data set once (a search's worker for all its trials, a single run at its start): done
        // here, timed apart, so that the first real turn does not pay what the others do not.
        long prepareStart = System.nanoTime();
        data.prepare(spec.data(), spec.seed());
        double preparationSeconds = (System.nanoTime() - prepareStart) / 1e9;
        List<Double> bareRates = new ArrayList<>();
        List<RealTurn> real = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            // Alternate which kind goes first, so a drift in machine speed favours neither.
            for (boolean realFirst : r % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                if (realFirst) {
                    real.add(realTurn(runner, config, overrides, spec, m.name() + " real " + (r + 1)));
                    System.out.printf(Locale.ROOT, "%s round %d/%d: real %.0f samples/s%n", m.name(), r + 1, rounds,
                            real.get(real.size() - 1).samplesPerSecond());
                } else {
                    bareRates.add(PeerBenchmark.dl4jTurn(bare, m.passes(), epochs)
                            .trainSamplesPerSecond());
                    System.out.printf(Locale.ROOT, "%s round %d/%d: bare step %.0f samples/s%n", m.name(), r + 1, rounds,
                            bareRates.get(bareRates.size() - 1));
                }
            }
        }
        double bareRate = Alternation.median(bareRates.stream().mapToDouble(Double::doubleValue).toArray());
        double[] realRates = real.stream().mapToDouble(RealTurn::samplesPerSecond).toArray();
        // The turn whose wall time is divided: the median one, the faster of the middle two for an even count (an
        // equality test against the median, a mean of two rates then, matched no turn).
        RealTurn median = real.stream().sorted(Comparator.comparingDouble(RealTurn::samplesPerSecond))
                .toList().get(real.size() / 2);
        double step = median.samples() / bareRate;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", m.name());
        row.put("experiment", spec.id());
        row.put("budget", budget);
        row.put("threads", m.threads());
        row.put("bare_samples_per_s", bareRate);
        row.put("real_samples_per_s", Alternation.median(realRates));
        row.put("pipeline_share", 1 - Alternation.median(realRates) / bareRate);
        row.put("bare_turns", bareRates);
        row.put("real_turns", real);
        row.put("data_preparation_seconds", preparationSeconds);
        // The median real turn's wall time, divided.
        row.put("wall_bare_step", step / median.wallSeconds());
        row.put("wall_rest_of_step", (median.trainSeconds() - step) / median.wallSeconds());
        row.put("wall_evaluation", median.evalSeconds() / median.wallSeconds());
        row.put("wall_final_scoring", median.finalSeconds() / median.wallSeconds());
        row.put("wall_other", median.otherSeconds() / median.wallSeconds());
        if (!config.budget().equals(full)) {
            // A shorter turn than the experiment's runs: its share of evaluation, scoring and set-up is not theirs.
            row.put("full_budget", TrialRunner.budgetMap(full));
            row.put("full_budget_pipeline_share_projected", 1 - median.samplesPerSecondAt(full) / bareRate);
        }
        return row;
    }

    private static RealTurn realTurn(TrialRunner runner, ResolvedConfig config, Map<String, Object> overrides,
                                     ExperimentSpec spec, String label) {
        RunRecord r = runner.train(config, spec.seed(), overrides, "bench", label, null, null, false, null).record();
        if (!r.status().equals("completed")) throw new IllegalStateException(label + " ended " + r.status() + ": " + r.failure());
        CurvePoint last = r.curve().get(r.curve().size() - 1);
        return new RealTurn(r.samplesPerSecond() * r.trainSeconds(), r.wallSeconds(), r.trainSeconds(), r.evalSeconds(),
                r.finalMetrics().get("final_scoring_seconds"), last.step(), r.curve().size(),
                (int) Math.round(last.step() / last.epoch()));
    }

    private static String markdown(List<Map<String, Object>> rows, int rounds, BackendInfo backend, String args) {
        StringBuilder md = new StringBuilder("# What the training pipeline adds to the bare step\n\n");
        md.append("Each model trained as its experiment's runs train it (real data, augmentation, evaluation at the spec's "
                + "interval, final scoring) against the same network's "
                + "training step on minibatches already in memory, the two alternated over ").append(rounds)
                .append(" rounds; medians. Backend: ").append(backend == null ? "—" : backend.oneLine()).append(".\n\n");
        md.append("| model | experiment | budget | threads | bare step, samples/s | real run, samples/s | pipeline share "
                + "| of the real wall: bare step | rest of the step | evaluation | final scoring | other "
                + "| pipeline share at the spec's budget (projected) | data preparation, s |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (Map<String, Object> r : rows) {
            Map<?, ?> budget = (Map<?, ?>) r.get("budget");
            Object projected = r.get("full_budget_pipeline_share_projected");
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.0f | %.0f | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %s | %.1f |%n",
                    r.get("model"), r.get("experiment"), budget.isEmpty() ? "the spec's" : "`" + budget + "`",
                    (int) r.get("threads"), (double) r.get("bare_samples_per_s"), (double) r.get("real_samples_per_s"),
                    100 * (double) r.get("pipeline_share"), 100 * (double) r.get("wall_bare_step"),
                    100 * (double) r.get("wall_rest_of_step"), 100 * (double) r.get("wall_evaluation"),
                    100 * (double) r.get("wall_final_scoring"), 100 * (double) r.get("wall_other"),
                    projected == null ? "(run at it)" : String.format(Locale.ROOT, "%.1f%% at `%s`",
                            100 * (double) projected, r.get("full_budget")),
                    (double) r.get("data_preparation_seconds")));
        }
        md.append("\nPipeline share: 1 − real samples/s ÷ bare samples/s. The real wall divides into the bare step's time "
                + "for the samples trained, the rest of the timed step (the training batch's loss and accuracy), "
                + "evaluation, the final scoring (test, whole training set, batch spread), and other (set-up "
                + "of the network and gathering minibatches). Data preparation (reading, splitting, normalizing and augmenting the data set) "
                + "is done once per process, before the turns, and timed apart: a search's worker pays it once for all its "
                + "trials, a single run once at its start. A turn shorter than the spec's budget is projected "
                + "to it: training and other grow with the steps (other's set-up is paid once, so this "
                + "overstates it), evaluation with the evaluations, the final scoring once; early stopping is assumed "
                + "not to end the run sooner.\n\n");
        md.append("Regenerate: `REPRO_DATA_DIR=DIR src/bench/run PipelineShare").append(args.isEmpty() ? "" : " " + args)
                .append("`.\n");
        return md.toString();
    }
}
