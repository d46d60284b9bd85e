package dl4jrepro.run;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.families.Families;
import dl4jrepro.results.FolderLock;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.results.RunFiles;
import dl4jrepro.results.RunRecord;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.train.Checkpoint;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;

/**
 * The one runner: resolves a spec, checks everything a user can get wrong before touching results, picks the backend,
 * trains and stores the run with its provenance. Experiments with a search are handed to the search engine, which
 * uses the same {@link TrialRunner} for every trial.
 */
public final class ExperimentRunner {
    static final String MODEL = "model.zip";
    static final String CHECKPOINT = "checkpoint";
    private final SpecCatalog specs;
    private final ResultsStore results;
    private final PrintStream out;

    public ExperimentRunner(SpecCatalog specs, ResultsStore results, PrintStream out) {
        this.specs = specs;
        this.results = results;
        this.out = out;
    }

    /**
     * Redraws the pictures of a stored run's network (filters, feature maps, fits) from its {@code model.zip}, without
     * training: for after the drawing code changed. Returns false when no loadable network is stored there.
     */
    public static boolean redrawModelPictures(ExperimentSpec spec, Path dir, Path dataDir) throws IOException {
        Path model = dir.resolve(MODEL);
        if (!Files.exists(model)) return false;
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), false);
        } catch (IOException | RuntimeException e) {
            // Networks saved before model.zip held the plain DL4J configuration name classes that have since moved.
            System.err.println("note: " + model + " could not be loaded (" + e.getClass().getSimpleName()
                    + "); its pictures stay as the run drew them; rerun the experiment to store a loadable network");
            return false;
        }
        ModelPictures.write(dir, spec, new DatasetRepository(DataLocations.resolve(dataDir)).prepare(spec.data(), spec.seed()), net);
        return true;
    }

    public RunRecord run(RunRequest request) throws IOException {
        ExperimentSpec spec = specs.load(request.experiment());
        ResolvedConfig config = ResolvedConfig.of(spec, request.quick(), request.overrides());
        TrialRunner.validate(config);
        long seed = request.seed() != null ? request.seed() : spec.seed();
        SpeedupSetting speedups = request.speedupsFor(spec);

        BackendInfo backend = BackendSelector.select(request.backend(), request.threadsFor(spec),
                Families.byName(spec.family()).denseOnly());
        out.println("[" + spec.id() + "] " + backend.oneLine());
        DatasetRepository data = new DatasetRepository(DataLocations.resolve(request.dataDir()));
        // Missing or corrupt data fails here, before the results folder exists.
        data.prepare(config.spec().data(), config.spec().seed());
        TrialRunner trials = new TrialRunner(backend, speedups, data, out, request.ui());
        Path dir = results.dir(spec, request.quick());
        RunRecord record;
        Path home;
        try (FolderLock ignored = new FolderLock(dir, spec.id())) {
            // A stopped run continues where it was when the same command runs again (not the seconds-long quick runs).
            Path checkpoint = request.quick() ? null : dir.resolve(CHECKPOINT);
            Path attempt = RunFiles.beginAttempt(dir);
            TrialRunner.Trained trained = trials.train(config, seed, new LinkedHashMap<>(request.overrides()),
                    request.command(), spec.id(), null, null, request.quick(), checkpoint);
            record = trained.record();
            boolean completed = record.status().equals("completed");
            home = RunFiles.target(dir, completed);
            ModelPictures.write(attempt, config.spec(), trained.data(), trained.net());
            if (completed) {
                // The trained weights in the family's plain DL4J configuration, which DL4J alone can load, for anyone
                // who wants to look further (not committed: see .gitignore). A diverged network's are NaN: not kept.
                ModelSerializer.writeModel(trained.model().plainNetwork(), attempt.resolve(MODEL).toFile(), false);
            }
            results.save(config.spec(), record, attempt, home);
            RunFiles.publish(dir, attempt, home);
            if (checkpoint != null) Checkpoint.delete(checkpoint);
        }
        if (!home.equals(dir)) {
            out.println("[" + spec.id() + "] the completed run in " + dir + " is kept; this diverged attempt is in " + home);
        }
        out.println(String.format(Locale.ROOT, "[%s] %s in %.1f s (%,.0f samples/s)%s; results in %s", spec.id(),
                record.status(), record.wallSeconds(), record.samplesPerSecond(),
                !record.finalMetrics().containsKey("test_acc") ? ""
                        : Double.isNaN(record.finalMetrics().get("test_acc"))
                        ? String.format(Locale.ROOT, ", test MSE %.4f", record.finalMetrics().get("test_loss"))
                        : String.format(Locale.ROOT, ", test accuracy %.4f", record.finalMetrics().get("test_acc")),
                home));
        return record;
    }
}
