package dl4jrepro.results;

import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.spec.ExperimentSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The results folder of an experiment: {@code results/<id>/} for full-budget runs, {@code results/<id>/quick/} for
 * smoke runs; a stage of another experiment goes into a sub-folder of the parent's ({@link ExperimentSpec#resultsPath}). A run's files land only after it finishes, each written atomically: {@code run.json} first, as the one
 * source of truth, then the files derived from it, which {@code table} can always rebuild.
 */
public final class ResultsStore {
    public static final String RUN = "run.json";

    private final Path root;

    public ResultsStore(Path root) {
        this.root = root;
    }

    /**
     * The results folder of experiment {@code id} under {@code root}, found without its spec: {@code root/id}, or for a
     * stage {@code root/parent/stage}, whichever holds results (the first split that does, from the longest parent id).
     */
    public static Path folderOf(Path root, String id) {
        if (Files.isDirectory(root.resolve(id))) return root.resolve(id);
        for (int i = id.lastIndexOf('-'); i > 0; i = id.lastIndexOf('-', i - 1)) {
            Path stage = root.resolve(id.substring(0, i)).resolve(id.substring(i + 1));
            if (Files.isDirectory(stage)) return stage;
        }
        return root.resolve(id);
    }

    public Path dir(ExperimentSpec spec, boolean quick) {
        Path d = root.resolve(spec.resultsPath());
        return quick ? d.resolve("quick") : d;
    }

    /**
     * Writes a finished run's {@code run.json} and everything derived from it into {@code files} (a run's attempt
     * folder, see {@link RunFiles}), its table linking the stages found in {@code home}, where the files will live.
     */
    public void save(ExperimentSpec spec, RunRecord run, Path files, Path home) throws IOException {
        AtomicFiles.write(files.resolve(RUN), Json.MAPPER.writeValueAsString(run));
        writeDerived(spec, run, files, home);
    }

    /** Rewrites what is derived from a stored run (curve CSV, learning-curve PNG, table, summary) without training. */
    public Path writeDerived(ExperimentSpec spec, RunRecord run) throws IOException {
        Path dir = dir(spec, run.quick());
        writeDerived(spec, run, dir, dir);
        return dir;
    }

    private void writeDerived(ExperimentSpec spec, RunRecord run, Path dir, Path home) throws IOException {
        StringBuilder csv = new StringBuilder(CurvePoint.CSV_HEADER).append('\n');
        for (CurvePoint p : run.curve()) csv.append(p.csv()).append('\n');
        AtomicFiles.write(dir.resolve("curve.csv"), csv.toString());
        if (!run.curve().isEmpty()) {
            LearningCurvePlot.write(dir.resolve("learning-curve.png"), run.experiment(), run.curve(),
                    spec.budget().epochs() != null, run.budget().get("trainMetric"));
        }
        Object growth = run.hyperparameters().get("lrGrowthPerStep");
        LrRangeTest.Reading reading = growth instanceof Number g ? LrRangeTest.read(run.curve(), g.doubleValue()) : null;
        if (reading != null) {
            LrRangeTest.plot(dir.resolve("lr-range.png"), run.experiment() + ": learning-rate range test", reading);
        }
        if (run.testConfusion() != null) {
            HeatMapPlot.confusion(dir.resolve("confusion.png"), run.experiment() + ": test set confusion matrix",
                    run.testConfusion(), classNames(run));
        }
        ReportTable.write(spec, run, dir, home, root);
    }

    @SuppressWarnings("unchecked")
    static List<String> classNames(RunRecord run) {
        Object names = run.data().get("class_names");
        return names instanceof List<?> l ? (List<String>) l
                : DatasetRepository.classNames(String.valueOf(run.data().get("dataset")));
    }

    public RunRecord load(ExperimentSpec spec, boolean quick) {
        String experiment = spec.id();
        Path file = dir(spec, quick).resolve(RUN);
        if (!Files.isRegularFile(file)) {
            throw new UserError("no stored run for " + experiment + " at " + file + ": run it first with 'run "
                    + experiment + (quick ? " --quick" : "") + "'");
        }
        return read(file);
    }

    /** A stored {@code run.json}; one that cannot be read is a one-line error. */
    public static RunRecord read(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), RunRecord.class);
        } catch (IOException e) {
            throw new UserError(file + ": unreadable run record (" + e.getMessage().lines().findFirst().orElse("")
                    + "); run the experiment again");
        }
    }
}
