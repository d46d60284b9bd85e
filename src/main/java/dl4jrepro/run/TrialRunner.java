package dl4jrepro.run;

import com.fasterxml.jackson.core.type.TypeReference;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.data.InputShape;
import dl4jrepro.data.PreparedData;
import dl4jrepro.families.Families;
import dl4jrepro.families.ModelFamily;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.results.RunRecord;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.ResolvedConfig;
import dl4jrepro.train.Checkpoint;
import dl4jrepro.train.ProgressLine;
import dl4jrepro.train.Scores;
import dl4jrepro.train.Trainer;
import dl4jrepro.train.TrainingStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains one configuration with one seed and measures it: the unit that single runs and searches are both made of.
 * Data comes from the process-wide {@link DatasetRepository}, so a search loads its data once.
 */
public final class TrialRunner {
    private final BackendInfo backend;
    private final DatasetRepository data;
    private final PrintStream out;
    private final Map<String, Object> software = Provenance.software();
    /** A checkpoint costs a few seconds (the CNNs' updater state is 20-100 MB); every 10 minutes loses little. */
    private static final double CHECKPOINT_SECONDS = 600;

    public TrialRunner(BackendInfo backend, DatasetRepository data, PrintStream out) {
        this.backend = backend;
        this.data = data;
        this.out = out;
    }

    /** Checks a configuration as far as possible without training: family rules and the batch against the split. */
    public static void validate(ResolvedConfig config) {
        ModelFamily family = Families.byName(config.spec().family());
        family.validate(config.hyperparameters(), InputShape.of(config.spec().data()));
        int train = config.budget().trainSubset() != null
                ? Math.min(config.budget().trainSubset(), config.spec().data().train()) : config.spec().data().train();
        Hyperparameters hp = config.hyperparameters();
        hp.check(family.batchSize(hp) <= train, "batch", "must not exceed the " + train + " training examples");
    }

    /**
     * @param label      how progress lines name this trial
     * @param trialIndex position in a search, or null for a single run
     */
    public RunRecord run(ResolvedConfig config, long seed, Map<String, Object> overrides, String command, String label,
                         Integer trialIndex, String trialId, boolean quick) {
        return train(config, seed, overrides, command, label, trialIndex, trialId, quick, null).record();
    }

    /** A finished trial with the trained network and the data it saw, for pictures of its insides. */
    public record Trained(RunRecord record, MultiLayerNetwork net, PreparedData data) {}

    /**
     * As {@link #run}, keeping the network.
     *
     * @param checkpointDir where a long run saves its progress and resumes from it, or null
     */
    public Trained train(ResolvedConfig config, long seed, Map<String, Object> overrides, String command, String label,
                         Integer trialIndex, String trialId, boolean quick, Path checkpointDir) {
        long wallStart = System.nanoTime();
        String started = Instant.now().toString();
        ExperimentSpec spec = config.spec();
        Hyperparameters hp = config.hyperparameters();
        ModelFamily family = Families.byName(spec.family());
        validate(config);
        PreparedData prepared = data.prepare(spec.data(), spec.seed());
        if (config.budget().trainSubset() != null) prepared = prepared.withTrainSubset(config.budget().trainSubset());
        int batch = family.batchSize(hp);
        long trainRows = prepared.trainX().rows();
        int stepsPerEpoch = (int) ((trainRows + batch - 1) / batch);
        MultiLayerNetwork net = new MultiLayerNetwork(
                family.configure(hp, InputShape.of(spec.data()), prepared.classes(), seed, stepsPerEpoch));
        net.init();
        if (trialIndex == null) {
            out.println("[" + label + "] data " + spec.data().dataset() + ": " + trainRows + " train / "
                    + prepared.valX().rows() + " val / " + prepared.testX().rows() + " test, " + spec.data().preprocess()
                    + "; seed " + seed + (quick ? "; QUICK budget" : ""));
            out.println("[" + label + "] " + spec.family() + ": " + net.numParams() + " parameters, hyperparameters " + hp);
        }

        Checkpoint checkpoint = checkpointDir == null ? null
                : new Checkpoint(checkpointDir, fingerprint(spec, hp, config.budget(), seed, prepared), CHECKPOINT_SECONDS,
                        software);
        Trainer.Outcome outcome = Trainer.train(net, TrainingStep.of(net, hp), prepared, config.budget(), batch, seed,
                new ProgressLine(out, label), checkpoint);

        Map<String, Double> finals = new LinkedHashMap<>();
        int[][] confusion = null;
        if (outcome.status().equals("completed")) {
            Evaluation evaluation = new Evaluation(prepared.classes());
            Scores.LossAcc test = Scores.of(net, prepared.testX(), prepared.testY(), evaluation);
            Scores.LossAcc trainFull = Scores.of(net, prepared.trainX(), prepared.trainY());
            finals.put("test_loss", test.loss());
            finals.put("test_acc", test.acc());
            finals.put("train_full_loss", trainFull.loss());
            finals.put("train_full_acc", trainFull.acc());
            finals.put("train_seconds", outcome.trainSeconds());
            finals.put("ms_per_step", outcome.trainSeconds() * 1000 / outcome.steps());
            // Where an interrupted run was continued from its checkpoints (see Checkpoint: dropout masks differ).
            for (int i = 0; i < outcome.resumedFrom().size(); i++) {
                finals.put(RunRecord.RESUMED_AT_STEP + (i + 1), (double) outcome.resumedFrom().get(i));
            }
            if (outcome.earlyStopping() != null) {
                finals.put("best_epoch", (double) outcome.earlyStopping().bestEpoch());
                finals.put("stopped_epoch", (double) outcome.curve().size());
            }
            if (!Scores.isRegression(net)) confusion = confusionOf(evaluation, prepared.classes());
        }
        return new Trained(new RunRecord(spec.id(), spec.catalogue(), spec.title(), spec.family(), outcome.status(),
                outcome.failure(), quick, command, trialIndex == null ? spec : null, trialIndex, trialId, seed, overrides,
                hp.asMap(), budgetMap(config.budget()), prepared.provenance(), backendMap(), software, started,
                (System.nanoTime() - wallStart) / 1e9 + outcome.priorWallSeconds(), outcome.trainSeconds(), outcome.evalSeconds(),
                outcome.samplesPerSecond(), net.numParams(), outcome.curve(), finals, confusion), net, prepared);
    }

    /** Everything that decides what a run computes; a checkpoint of another fingerprint is not resumed. */
    private static String fingerprint(ExperimentSpec spec, Hyperparameters hp, ExperimentSpec.Budget budget, long seed,
                                      PreparedData prepared) {
        Map<String, Object> data = new LinkedHashMap<>(prepared.provenance());
        data.remove("dir");  // the same files elsewhere are the same data (their md5 is in the provenance)
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("family", spec.family());
        what.put("hyperparameters", hp.asMap());
        what.put("budget", budgetMap(budget));
        what.put("seed", seed);
        what.put("data", data);
        return canonical(what);
    }

    private Map<String, Object> backendMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", backend.oneLine());
        m.putAll(ResultsStore.JSON.convertValue(backend, new TypeReference<Map<String, Object>>() {}));
        return m;
    }

    private static int[][] confusionOf(Evaluation evaluation, int classes) {
        int[][] m = new int[classes][classes];
        for (int actual = 0; actual < classes; actual++) {
            for (int predicted = 0; predicted < classes; predicted++) {
                m[actual][predicted] = evaluation.getConfusionMatrix().getCount(actual, predicted);
            }
        }
        return m;
    }

    /**
     * Whether a stored trial was trained with this configuration: a spec edited since (other data, hyperparameters or
     * budget) makes its old trials stale, even though the trial id, which names only the overrides and the seed, is
     * the same.
     */
    public static boolean trainedWith(RunRecord r, ResolvedConfig config) {
        if (!canonical(r.hyperparameters()).equals(canonical(config.hyperparameters().asMap()))) return false;
        if (r.status().equals("failed")) return true;  // failed before training: nothing else was recorded
        ExperimentSpec.DataSpec d = config.spec().data();
        Object pca = r.data().get("pca");
        return canonical(r.budget()).equals(canonical(budgetMap(config.budget())))
                && d.preprocess().equals(r.data().get("preprocess"))
                // the spec's split (a trainSubset is in the budget)
                && canonical(r.data().get("split")).equals(canonical(DatasetRepository.splitOf(d)))
                && (d.pca() == null ? pca == null : pca instanceof Map<?, ?> p && d.pca().equals(p.get("components")));
    }

    private static String canonical(Object o) {
        try {
            return ResultsStore.CANONICAL.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> budgetMap(ExperimentSpec.Budget b) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (b.epochs() != null) m.put("epochs", b.epochs());
        if (b.steps() != null) m.put("steps", b.steps());
        m.put("evalEvery", b.evalEvery() == null ? "epoch" : b.evalEvery());
        m.put("trainMetric", b.trainMetric());
        if (b.trainSubset() != null) m.put("trainSubset", b.trainSubset());
        return m;
    }
}
