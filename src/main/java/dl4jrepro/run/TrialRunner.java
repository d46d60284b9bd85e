package dl4jrepro.run;

import com.fasterxml.jackson.core.type.TypeReference;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.base.Json;
import dl4jrepro.base.Metrics;
import dl4jrepro.base.Substitution;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.data.InputShape;
import dl4jrepro.data.PreparedData;
import dl4jrepro.families.Families;
import dl4jrepro.families.ModelFamily;
import dl4jrepro.results.LrRangeTest;
import dl4jrepro.results.RunRecord;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.speedups.Speedups;
import dl4jrepro.train.Checkpoint;
import dl4jrepro.train.ProgressLine;
import dl4jrepro.train.Scores;
import dl4jrepro.train.Trainer;
import dl4jrepro.ui.StatsReports;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains one configuration with one seed and measures it: the unit that single runs and searches are both made of.
 * Data comes from the process-wide {@link DatasetRepository}, so a search loads its data once.
 */
public final class TrialRunner {
    private final BackendInfo backend;
    private final SpeedupSetting speedups;
    private final DatasetRepository data;
    private final PrintStream out;
    private final String ui;
    private final Map<String, Object> software = Provenance.software();
    /** The budget map's key of a budget that scores the test split only after training (absent: at each evaluation). */
    private static final String TEST_CURVE = "testCurve";
    /**
     * A checkpoint costs a few seconds (the CNNs' updater state is 20-100 MB); every 10 minutes loses little. The
     * system property {@code repro.checkpointSeconds} sets another interval (0: at every evaluation), for tests that
     * stop runs midway.
     */
    private static final double CHECKPOINT_SECONDS = Double.parseDouble(System.getProperty("repro.checkpointSeconds", "600"));

    public TrialRunner(BackendInfo backend, SpeedupSetting speedups, DatasetRepository data, PrintStream out) {
        this(backend, speedups, data, out, null);
    }

    /**
     * @param ui where trials post DL4J StatsListener reports ({@code run --ui}), or null for no listener at all; with a
     *           listener the runner leaves DenseStep out, since it updates a network without calling its listeners
     */
    public TrialRunner(BackendInfo backend, SpeedupSetting speedups, DatasetRepository data, PrintStream out, String ui) {
        this.backend = backend;
        this.speedups = ui == null ? speedups : speedups.without(SpeedupSetting.Kind.STEP);
        this.data = data;
        this.out = out;
        this.ui = ui;
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

    /** A finished trial with the trained network (and its plain DL4J form) and the data it saw, for pictures of its insides. */
    public record Trained(RunRecord record, Speedups.Prepared model, PreparedData data) {
        public MultiLayerNetwork net() {
            return model.net();
        }
    }

    /**
     * Trains one configuration and keeps the network with its record.
     *
     * @param label         how progress lines name this trial
     * @param trialIndex    position in a search, or null for a single run
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
        int stepsPerEpoch = (int) ((prepared.trainX().rows() + batch - 1) / batch);

        // The family's plain DL4J configuration, then this project's faster code where the setting and backend allow.
        MultiLayerConfiguration plain = family.configure(hp, InputShape.of(spec.data()), prepared.classes(), seed, stepsPerEpoch);
        Speedups.Prepared model = Speedups.prepare(plain, backend, speedups);
        if (trialIndex == null) describe(label, spec, hp, prepared, seed, quick, model);
        if (ui != null) model.net().setListeners(StatsReports.listener(ui, StatsReports.session(spec.id(), trialIndex), stepsPerEpoch));

        Checkpoint checkpoint = checkpointDir == null ? null : new Checkpoint(checkpointDir,
                fingerprint(spec, hp, config.budget(), seed, prepared, model.substitutions()), CHECKPOINT_SECONDS, software);
        Trainer.Outcome outcome = Trainer.train(model.net(), model.step(), prepared, config.budget(), batch, seed,
                new ProgressLine(out, label), checkpoint);

        long scoringStart = System.nanoTime();
        Evaluation evaluation = new Evaluation(prepared.classes());
        Map<String, Double> finals = outcome.status().equals("completed")
                ? finalMetrics(outcome, model.net(), prepared, evaluation, readsTrainFull(spec)) : new LinkedHashMap<>();
        if (!finals.isEmpty() && hp.has("lrGrowthPerStep")) {
            LrRangeTest.Reading reading = LrRangeTest.read(outcome.curve(), hp.getDouble("lrGrowthPerStep"));
            if (reading != null) finals.putAll(reading.metrics());
        }
        if (!finals.isEmpty() && FirstLayerWeights.applies(spec, model.net())) {
            finals.put("first_layer_roughness", FirstLayerWeights.roughness(model.net(), InputShape.of(spec.data())));
        }
        if (!finals.isEmpty() && scoresBatchSpread(spec, config.budget(), Scores.isRegression(model.net()))) {
            finals.putAll(batchSpread(model.net(), prepared, batch));
        }
        int[][] confusion = !finals.isEmpty() && !Scores.isRegression(model.net())
                ? confusionOf(evaluation, prepared.classes()) : null;
        if (!finals.isEmpty()) finals.put("final_scoring_seconds", (System.nanoTime() - scoringStart) / 1e9);
        if (outcome.status().equals("diverged") && trialIndex == null && !Scores.isRegression(model.net())) {
            // What a loop that scores the diverged network anyway would print: its outputs are NaN, and where a
            // report's table shows such rows (A4's lr 1e-2) their accuracies are these.
            finals.put("diverged_train_full_acc", Scores.of(model.net(), prepared.trainX(), prepared.trainY()).acc());
            finals.put("diverged_val_acc", Scores.of(model.net(), prepared.valX(), prepared.valY()).acc());
        }
        RunRecord record = RunRecord.builder()
                .experiment(spec.id()).catalogue(spec.catalogue()).title(spec.title()).family(spec.family())
                .status(outcome.status()).failure(outcome.failure()).quick(quick).command(command)
                .spec(trialIndex == null ? spec : null).trialIndex(trialIndex).trialId(trialId).seed(seed)
                .overrides(overrides).hyperparameters(hp.asMap()).budget(budgetMap(config.budget()))
                .data(prepared.provenance()).backend(backendMap(model))
                .speedups(speedups.toString()).substitutions(model.substitutions()).software(softwareOf(outcome))
                .started(started).wallSeconds((System.nanoTime() - wallStart) / 1e9 + outcome.priorWallSeconds())
                .trainSeconds(outcome.trainSeconds()).evalSeconds(outcome.evalSeconds())
                .samplesPerSecond(outcome.samplesPerSecond()).parameters(model.net().numParams())
                .curve(outcome.curve()).finalMetrics(finals).testConfusion(confusion)
                .build();
        return new Trained(record, model, prepared);
    }

    /** This process's code, and for a run continued from checkpoints the code of each earlier segment. */
    private Map<String, Object> softwareOf(Trainer.Outcome outcome) {
        if (outcome.earlierSoftware().isEmpty()) return software;
        Map<String, Object> s = new LinkedHashMap<>(software);
        s.put(RunRecord.EARLIER_SEGMENTS, outcome.earlierSoftware());
        return s;
    }

    /** The lines a single run starts with: its data, its network and the code that computes it. */
    private void describe(String label, ExperimentSpec spec, Hyperparameters hp, PreparedData prepared, long seed,
                          boolean quick, Speedups.Prepared model) {
        out.println("[" + label + "] data " + spec.data().dataset() + ": " + prepared.trainX().rows() + " train / "
                + prepared.valX().rows() + " val / " + prepared.testX().rows() + " test, " + spec.data().preprocess()
                + "; seed " + seed + (quick ? "; QUICK budget" : ""));
        out.println("[" + label + "] " + spec.family() + ": " + model.net().numParams() + " parameters, hyperparameters " + hp);
        out.println("[" + label + "] speed-ups " + speedups + ": " + Substitution.describe(model.substitutions()));
    }

    /** Minibatches scored one at a time after training: how much a one-minibatch train figure moves. */
    static final int SPREAD_BATCHES = 200;

    /** Whether a figure, table column or report row of the spec reads a final.batch_* metric or holds one as its spread. */
    static boolean readsBatchSpread(ExperimentSpec spec) {
        return spec.reads(Metrics.BATCH_SPREAD);
    }

    /** Where the minibatch spread is scored: its spec reads it, and the train figures are one minibatch's accuracies. */
    private static boolean scoresBatchSpread(ExperimentSpec spec, ExperimentSpec.Budget budget, boolean regression) {
        return readsBatchSpread(spec) && "last-batch".equals(budget.trainMetric()) && !regression;
    }

    /**
     * Whether a figure, table column or report row of the spec reads the whole training split's scores after training
     * (final.train_full_*): an inference pass over the whole (augmented) training split, several times the test split,
     * is most of the scoring after training where it is scored.
     */
    static boolean readsTrainFull(ExperimentSpec spec) {
        return spec.reads(Metrics.TRAIN_FULL);
    }

    /**
     * Whether a stored trial holds the scores after training that are computed only where a spec reads them (the whole
     * training split, the minibatch spread) wherever its spec reads them now: one made before a figure read them is
     * trained again rather than leaving that figure without values. A diverged trial is scored after training in no case.
     */
    public static boolean holdsScoresRead(RunRecord r, ResolvedConfig config) {
        if (!"completed".equals(r.status())) return true;
        Map<String, Double> f = r.finalMetrics() == null ? Map.of() : r.finalMetrics();
        boolean regression = Double.isNaN(f.getOrDefault("test_acc", 0.0));
        return (!readsTrainFull(config.spec()) || f.containsKey("train_full_acc"))
                && (!scoresBatchSpread(config.spec(), config.budget(), regression) || f.containsKey("batch_loss_sd"));
    }

    /**
     * A run whose train figures are one minibatch each (the "last-batch" metric) also records how those figures
     * spread from one minibatch to the next, in the inference mode they are measured in and in a training step's mode,
     * so a table can hold a one-minibatch figure against its own measured spread: where its spec reads them
     * ({@link #readsBatchSpread}), since the two passes over up to 200 minibatches cost more than scoring the whole
     * training set once (results/benchmarks/pipeline-share.md, final scoring).
     */
    private static Map<String, Double> batchSpread(MultiLayerNetwork net, PreparedData prepared, int batch) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (boolean trainingMode : new boolean[] {false, true}) {
            Scores.BatchSpread s = Scores.perBatch(net, prepared.trainX(), prepared.trainY(), batch, SPREAD_BATCHES, trainingMode);
            String suffix = trainingMode ? "_train_mode" : "";
            m.put("batch_loss_mean" + suffix, s.lossMean());
            m.put("batch_loss_sd" + suffix, s.lossSd());
            m.put("batch_acc_mean" + suffix, s.accMean());
            m.put("batch_acc_sd" + suffix, s.accSd());
        }
        return m;
    }

    /**
     * What is measured once after training: test scores, the whole training split's where the spec reads them
     * ({@link #readsTrainFull}), time, where early stopping ended.
     */
    private static Map<String, Double> finalMetrics(Trainer.Outcome outcome, MultiLayerNetwork net, PreparedData prepared,
                                                    Evaluation evaluation, boolean trainFull) {
        Map<String, Double> finals = new LinkedHashMap<>();
        Scores.LossAcc test = Scores.of(net, prepared.testX(), prepared.testY(), evaluation);
        finals.put("test_loss", test.loss());
        finals.put("test_acc", test.acc());
        if (trainFull) {
            Scores.LossAcc train = Scores.of(net, prepared.trainX(), prepared.trainY());
            finals.put("train_full_loss", train.loss());
            finals.put("train_full_acc", train.acc());
        }
        finals.put("train_seconds", outcome.trainSeconds());
        finals.put("ms_per_step", outcome.trainSeconds() * 1000 / outcome.steps());
        finals.put("weight_rms", weightRms(net));
        // Where an interrupted run was continued from its checkpoints (see Checkpoint: dropout masks differ).
        for (int i = 0; i < outcome.resumedFrom().size(); i++) {
            finals.put(RunRecord.RESUMED_AT_STEP + (i + 1), (double) outcome.resumedFrom().get(i));
        }
        if (outcome.earlyStopping() != null) {
            finals.put("best_epoch", (double) outcome.earlyStopping().bestEpoch());
            finals.put("stopped_epoch", (double) outcome.curve().size());
        }
        return finals;
    }

    /** Root mean square over every weight matrix's entries (biases and batch-norm parameters left out). */
    static double weightRms(MultiLayerNetwork net) {
        double sum = 0;
        long n = 0;
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            if (!p.getKey().endsWith("_W")) continue;
            double norm = p.getValue().castTo(DataType.DOUBLE).norm2Number().doubleValue();
            sum += norm * norm;
            n += p.getValue().length();
        }
        return n == 0 ? Double.NaN : Math.sqrt(sum / n);
    }

    /** Everything that decides what a run computes; a checkpoint of another fingerprint is not resumed. */
    private static String fingerprint(ExperimentSpec spec, Hyperparameters hp, ExperimentSpec.Budget budget, long seed,
                                      PreparedData prepared, List<Substitution> substitutions) {
        Map<String, Object> data = new LinkedHashMap<>(prepared.provenance());
        data.remove("dir");  // the same files elsewhere are the same data (their md5 is in the provenance)
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("family", spec.family());
        what.put("hyperparameters", hp.asMap());
        what.put("budget", budgetMap(budget));
        what.put("seed", seed);
        what.put("data", data);
        // Other code rounds differently: a run is not continued by other code than it started with.
        what.put("substitutions", substitutions);
        return Json.canonical(what);
    }

    /** The backend, and the kernels each convolution layer's passes ran where this process chose them. */
    private Map<String, Object> backendMap(Speedups.Prepared model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("summary", backend.oneLine());
        m.putAll(Json.MAPPER.convertValue(backend, new TypeReference<Map<String, Object>>() {}));
        Map<String, String> conv = model.convBackwardKernels();
        if (!conv.isEmpty()) m.put("conv_backward_kernels", conv);
        Map<String, String> forward = model.convForwardKernels();
        if (!forward.isEmpty()) m.put("conv_forward_kernels", forward);
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
     * the same; so does other data under the same name.
     *
     * @param dataChecksum the checksum of the data the configuration trains on now, or null not to compare it (where
     *                     the data is not at hand, as when a table is rewritten)
     */
    public static boolean trainedWith(RunRecord r, ResolvedConfig config, String dataChecksum) {
        if (r.status() == null || r.hyperparameters() == null) return false;  // a damaged record: train it again
        if (!Json.canonical(r.hyperparameters()).equals(Json.canonical(config.hyperparameters().asMap()))) return false;
        if (r.status().equals("failed")) return true;  // failed before training: nothing else was recorded
        if (r.data() == null || r.budget() == null) return false;
        ExperimentSpec.DataSpec d = config.spec().data();
        Object pca = r.data().get("pca");
        return sameTraining(r.budget(), budgetMap(config.budget()))
                && d.preprocess().equals(r.data().get("preprocess"))
                // the spec's split (a trainSubset is in the budget)
                && Json.canonical(r.data().get("split")).equals(Json.canonical(DatasetRepository.splitOf(d)))
                && (d.pca() == null ? pca == null : pca instanceof Map<?, ?> p && d.pca().equals(p.get("components")))
                && sameAugment(d.augment(), r.data().get("augment"))
                && (dataChecksum == null || dataChecksum.equals(r.data().get("checksum")));
    }

    /** Whether a record's augmentation provenance ({@code settings} inside) is {@code augment}'s. */
    private static boolean sameAugment(ExperimentSpec.Augment augment, Object recorded) {
        if (augment == null || recorded == null) return augment == null && recorded == null;
        if (!(recorded instanceof Map<?, ?> m)) return false;
        try {
            ExperimentSpec.Augment was = Json.MAPPER.convertValue(m.get("settings"), ExperimentSpec.Augment.class);
            return withFlipSpelledOut(was).equals(withFlipSpelledOut(augment));
        } catch (IllegalArgumentException e) {
            return false;  // a damaged record: train it again
        }
    }

    /**
     * Whether a record made under budget {@code was} holds what budget {@code now} asks: the same training, and a test
     * curve wherever {@code now} wants one. Scoring the test split during training changes no weight, so a trial that
     * scored it serves a budget that leaves it to the end (the committed searches, made before testCurve existed).
     */
    private static boolean sameTraining(Map<String, Object> was, Map<String, Object> now) {
        Map<String, Object> a = new LinkedHashMap<>(was), b = new LinkedHashMap<>(now);
        boolean hadCurve = a.remove(TEST_CURVE) == null, wantsCurve = b.remove(TEST_CURVE) == null;
        return Json.canonical(a).equals(Json.canonical(b)) && (hadCurve || !wantsCurve);
    }

    /** flip not given and flip false mirror nothing alike. */
    private static ExperimentSpec.Augment withFlipSpelledOut(ExperimentSpec.Augment a) {
        return new ExperimentSpec.Augment(a.copies(), a.rotateDegrees(), a.translate(), a.shearDegrees(), a.mirrors());
    }

    public static Map<String, Object> budgetMap(ExperimentSpec.Budget b) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (b.epochs() != null) m.put("epochs", b.epochs());
        if (b.steps() != null) m.put("steps", b.steps());
        m.put("evalEvery", b.evalEvery() == null ? "epoch" : b.evalEvery());
        m.put("trainMetric", b.trainMetric());
        if (b.trainSubset() != null) m.put("trainSubset", b.trainSubset());
        if (b.stopAtLossRatio() != null) m.put("stopAtLossRatio", b.stopAtLossRatio());
        if (!b.scoresTestCurve()) m.put(TEST_CURVE, false);
        return m;
    }
}
