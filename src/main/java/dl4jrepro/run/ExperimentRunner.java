package dl4jrepro.run;

import com.fasterxml.jackson.core.type.TypeReference;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.data.PreparedData;
import dl4jrepro.families.Families;
import dl4jrepro.families.ModelFamily;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.results.RunRecord;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.train.ProgressLine;
import dl4jrepro.train.Scores;
import dl4jrepro.train.Trainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The one runner: resolves a spec, checks everything a user can get wrong before touching results, picks the backend,
 * loads the data once, builds the family's network, trains it, evaluates it and stores the run with its provenance.
 */
public final class ExperimentRunner {
    /** The one data setting {@code --set} may change, for comparing preprocessing choices the reports leave open. */
    public static final String PREPROCESS_KEY = "data.preprocess";

    private final SpecCatalog specs;
    private final ResultsStore results;
    private final PrintStream out;

    public ExperimentRunner(SpecCatalog specs, ResultsStore results, PrintStream out) {
        this.specs = specs;
        this.results = results;
        this.out = out;
    }

    public RunRecord run(RunRequest request) throws IOException {
        long wallStart = System.nanoTime();
        String started = Instant.now().toString();
        ExperimentSpec spec = specs.load(request.experiment());
        ModelFamily family = Families.byName(spec.family());
        Map<String, String> hpOverrides = new LinkedHashMap<>(request.overrides());
        String preprocess = hpOverrides.remove(PREPROCESS_KEY);
        if (preprocess != null) spec = SpecCatalog.withPreprocess(spec, preprocess);
        Hyperparameters hp = new Hyperparameters(spec.id(), spec.hyperparameters()).with(hpOverrides);
        family.validate(hp);
        ExperimentSpec.Budget budget = request.quick() ? spec.quickBudget() : spec.budget();
        long seed = request.seed() != null ? request.seed() : spec.seed();

        BackendInfo backend = BackendSelector.select(request.backend(), request.threads());
        out.println("[" + spec.id() + "] " + backend.oneLine());
        PreparedData data = new DatasetRepository(DataLocations.resolve(request.dataDir())).prepare(spec.data(), spec.seed());
        if (budget.trainSubset() != null) data = data.withTrainSubset(budget.trainSubset());
        int batch = family.batchSize(hp);
        long trainRows = data.trainX().rows();
        hp.check(batch <= trainRows, "batch", "must not exceed the " + trainRows + " training examples");
        out.println("[" + spec.id() + "] data " + spec.data().dataset() + ": " + trainRows + " train / "
                + data.valX().rows() + " val / " + data.testX().rows() + " test, " + spec.data().preprocess()
                + "; seed " + seed + (request.quick() ? "; QUICK budget" : ""));

        int stepsPerEpoch = (int) ((trainRows + batch - 1) / batch);
        MultiLayerNetwork net = new MultiLayerNetwork(
                family.configure(hp, data.features(), data.classes(), seed, stepsPerEpoch));
        net.init();
        out.println("[" + spec.id() + "] " + spec.family() + ": " + net.numParams() + " parameters, hyperparameters " + hp);

        Trainer.Outcome outcome = Trainer.train(net, data, budget, batch, seed, new ProgressLine(out, spec.id()));

        Map<String, Double> finals = new LinkedHashMap<>();
        int[][] confusion = null;
        if (outcome.status().equals("completed")) {
            Evaluation evaluation = new Evaluation(data.classes());
            Scores.LossAcc test = Scores.of(net, data.testX(), data.testY(), evaluation);
            Scores.LossAcc trainFull = Scores.of(net, data.trainX(), data.trainY());
            finals.put("test_loss", test.loss());
            finals.put("test_acc", test.acc());
            finals.put("train_full_loss", trainFull.loss());
            finals.put("train_full_acc", trainFull.acc());
            confusion = confusionOf(evaluation, data.classes());
        }

        Map<String, Object> backendMap = new LinkedHashMap<>();
        backendMap.put("summary", backend.oneLine());
        backendMap.putAll(ResultsStore.JSON.convertValue(backend, new TypeReference<Map<String, Object>>() {}));

        RunRecord record = new RunRecord(spec.id(), spec.catalogue(), spec.title(), spec.family(), outcome.status(),
                outcome.failure(), request.quick(), request.command(), spec, seed, request.overrides(), hp.asMap(),
                budgetMap(budget), data.provenance(), backendMap, Provenance.software(), started,
                (System.nanoTime() - wallStart) / 1e9, outcome.trainSeconds(), outcome.evalSeconds(),
                outcome.samplesPerSecond(), net.numParams(), outcome.curve(), finals, confusion);
        results.save(spec, record);
        out.println(String.format(Locale.ROOT, "[%s] %s in %.1f s (%,.0f samples/s)%s; results in %s", spec.id(),
                outcome.status(), record.wallSeconds(), record.samplesPerSecond(),
                finals.isEmpty() ? "" : String.format(Locale.ROOT, ", test accuracy %.4f", finals.get("test_acc")),
                results.dir(spec.id(), request.quick())));
        return record;
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

    private static Map<String, Object> budgetMap(ExperimentSpec.Budget b) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (b.epochs() != null) m.put("epochs", b.epochs());
        if (b.steps() != null) m.put("steps", b.steps());
        m.put("evalEvery", b.evalEvery() == null ? "epoch" : b.evalEvery());
        m.put("trainMetric", b.trainMetric());
        if (b.trainSubset() != null) m.put("trainSubset", b.trainSubset());
        return m;
    }
}
