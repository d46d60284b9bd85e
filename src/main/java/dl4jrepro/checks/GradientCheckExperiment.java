package dl4jrepro.checks;

import com.fasterxml.jackson.core.type.TypeReference;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.Json;
import dl4jrepro.base.Substitution;
import dl4jrepro.base.UserError;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.data.InputShape;
import dl4jrepro.data.PreparedData;
import dl4jrepro.families.Families;
import dl4jrepro.families.ModelFamily;
import dl4jrepro.results.FigureRow;
import dl4jrepro.results.FolderLock;
import dl4jrepro.results.LearningCurvePlot;
import dl4jrepro.results.ReportTable;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.run.Provenance;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.run.RunRequest;
import dl4jrepro.spec.ExperimentSpec.CheckNet;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.speedups.Speedups;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a spec's gradient check (catalogue E1): every listed network, in double precision, on the spec's training
 * examples, checked by DL4J's GradientCheckUtil and by a plain central-difference loop, tabulated per parameter matrix
 * beside the report's figures; or (kind "replay", catalogue A0) report 000's toy run replayed with each net's settings
 * ({@link ToyReplay}), its losses tabulated and drawn in {@code losses.png}. Writes {@code check.json} (everything
 * measured), {@code table.md} and {@code summary.json}; {@code table ID} rebuilds the last two from the first.
 */
public final class GradientCheckExperiment {
    public static final String RESULT = "check.json";

    /**
     * One network's check: per-matrix statistics and DL4J's GradientCheckUtil verdict (kind "gradient"), or formulas
     * (kind "closed-forms", where dl4jPasses is not measured and false). {@code substitutions}: this project's faster
     * code the checked network ran instead of DL4J's (empty: DL4J's own code; null: not recorded, an older check).
     */
    public record NetResult(String label, Map<String, Object> overrides, Map<String, Object> hyperparameters,
                            List<Substitution> substitutions, long parameters, boolean dl4jPasses, Map<String, GradientCheck.Stats> matrices,
                            List<ClosedForms.Row> formulas, double seconds, List<LayerEquivalence.Row> equivalence,
                            ToyReplay.Losses replay) {}

    /** @param tolerance the check's maxRelError, for judging formulas */
    public record Result(String experiment, int examples, double epsilon, double tolerance, List<NetResult> nets,
                         Map<String, Object> provenance) {}

    private GradientCheckExperiment() {}

    public static boolean run(ExperimentSpec spec, RunRequest request, ResultsStore store, PrintStream out)
            throws IOException {
        long started = System.nanoTime();
        ExperimentSpec.Check check = spec.check();
        ModelFamily family = Families.byName(spec.family());
        InputShape shape = InputShape.of(spec.data());
        for (CheckNet n : check.nets()) family.validate(ResolvedConfig.of(spec, false, n.overrides()).hyperparameters(), shape);
        SpeedupSetting speedups = request.speedupsFor(spec);
        BackendInfo backend = BackendSelector.select(request.backend(), request.threads());
        // Finite differences need double precision everywhere (DL4J's GradientCheckUtil works in double only).
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        out.println("[" + spec.id() + "] " + backend.oneLine());
        boolean replay = check.kind().equals("replay");
        // A replay brings its own data (bundled, md5-checked); the other checks take the spec's training examples.
        PreparedData data = replay ? null
                : new DatasetRepository(DataLocations.resolve(request.dataDir())).prepare(spec.data(), spec.seed());
        Path dir = store.dir(spec, request.quick());
        // One run of the experiment at a time, and a folder it can write, before minutes of finite differences.
        try (FolderLock ignored = new FolderLock(dir, spec.id())) {
            INDArray x = replay ? null : data.trainX().castTo(DataType.DOUBLE), y = replay ? null : data.trainY().castTo(DataType.DOUBLE);
            long seed = request.seed() != null ? request.seed() : spec.seed();

            Context c = new Context(spec, family, shape, replay ? 0 : data.classes(), seed, backend, speedups, x, y, out);
            List<NetResult> nets = new ArrayList<>();
            for (CheckNet n : check.nets()) {
                long t0 = System.nanoTime();
                var hp = ResolvedConfig.of(spec, false, n.overrides()).hyperparameters();
                nets.add(switch (check.kind()) {
                    case "replay" -> replayed(c, n, hp, t0);
                    case "closed-forms" -> closedForms(c, n, hp, t0);
                    default -> gradientChecked(c, n, hp, t0, nets.isEmpty());
                });
            }
            Map<String, Object> provenance = new LinkedHashMap<>();
            provenance.put("command", request.command());
            provenance.put("seed", seed);
            provenance.put("check", check);
            provenance.put("data", replay ? ToyReplay.provenance() : data.provenance());
            provenance.put("backend", backend.oneLine());
            provenance.put("speedups", speedups.toString());
            provenance.put("software", Provenance.software());
            provenance.put("wall_s", (System.nanoTime() - started) / 1e9);
            Result result = new Result(spec.id(), replay ? 0 : (int) x.rows(), check.epsilon(), check.maxRelError(), nets, provenance);
            AtomicFiles.write(dir.resolve(RESULT), Json.MAPPER.writeValueAsString(result));
            List<FigureRow> figures = write(spec, result, dir);
            out.println("[" + spec.id() + "] results in " + dir);
            return figures.stream().noneMatch(f -> f.verdict().equals("FAIL") || f.verdict().equals("MISS"));
        }
    }

    /** What every net of one check is run with. */
    private record Context(ExperimentSpec spec, ModelFamily family, InputShape shape, int classes, long seed,
                           BackendInfo backend, SpeedupSetting speedups, INDArray x, INDArray y, PrintStream out) {}

    /** Kind "replay": the toy run replayed with the net's settings, on its bundled data. */
    private static NetResult replayed(Context c, CheckNet n, Hyperparameters hp, long t0) {
        ToyReplay.Losses losses = ToyReplay.replay(hp);
        double seconds = (System.nanoTime() - t0) / 1e9;
        c.out().println(String.format(Locale.ROOT, "[%s] %s: loss on all points before training %.12f; after %d "
                        + "SGD steps, loss of the last minibatch %.15f (%.1f s)", c.spec().id(), n.label(),
                losses.beforeTraining(), losses.minibatches().size(), losses.lastMinibatch(), seconds));
        return new NetResult(n.label(), n.overrides(), hp.asMap(), List.of(), 0, false, null, null, seconds, null, losses);
    }

    /** The net as checked: in double precision, keeping input gradients, with the speed-ups that apply. */
    private static Speedups.Prepared checkable(Context c, CheckNet n, Hyperparameters hp, String what) {
        Speedups.Prepared model = Speedups.prepareKeepingInputGradients(
                GradientCheck.checkable(c.family().configure(hp, c.shape(), c.classes(), c.seed(), 1)), c.backend(), c.speedups());
        c.out().println("[" + c.spec().id() + "] " + n.label() + ": speed-ups " + c.speedups() + ": "
                + Substitution.describe(model.substitutions()));
        c.out().println(String.format(Locale.ROOT, "[%s] %s: %,d parameters, %d examples, %s ...", c.spec().id(), n.label(),
                model.net().numParams(), c.x().rows(), what));
        return model;
    }

    /** Kind "closed-forms": DL4J's gradients against the reports' formulas. */
    private static NetResult closedForms(Context c, CheckNet n, Hyperparameters hp, long t0) {
        Speedups.Prepared model = checkable(c, n, hp, "the reports' closed forms");
        MultiLayerNetwork net = model.net();
        INDArray analytic = GradientCheck.analytic(net, c.x(), c.y());
        List<Double> reg = hp.getDoubleList("regPerLayer");
        double epsilon = c.spec().check().epsilon(), tolerance = c.spec().check().maxRelError();
        List<ClosedForms.Row> rows = ClosedForms.compare(net, c.x(), c.y(), reg.get(0), reg.get(1), analytic, epsilon);
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (ClosedForms.Row r : rows) {
            c.out().println(String.format(Locale.ROOT, "[%s] %s: max relative error %.2e (%s)", c.spec().id(), r.formula(),
                    r.maxRelError(), r.holds(tolerance) == r.expectedToHold() ? "as expected" : "UNEXPECTED"));
        }
        return new NetResult(n.label(), n.overrides(), hp.asMap(), model.substitutions(), net.numParams(), false,
                null, rows, seconds, null, null);
    }

    /**
     * Kinds "gradient" and "layers": DL4J's GradientCheckUtil and central differences per parameter matrix; for
     * "layers", every net after the first is also compared with the first.
     */
    private static NetResult gradientChecked(Context c, CheckNet n, Hyperparameters hp, long t0, boolean first)
            throws IOException {
        ExperimentSpec.Check check = c.spec().check();
        Speedups.Prepared model = checkable(c, n, hp,
                String.format(Locale.ROOT, "central differences with ε = %g", check.epsilon()));
        MultiLayerNetwork net = model.net();
        INDArray x = c.x(), y = c.y();
        INDArray analytic = GradientCheck.analytic(net, x, y);
        boolean dl4j = GradientCheck.dl4j(net, x, y, check.epsilon(), check.maxRelError(), check.minAbsoluteError());
        INDArray numeric = GradientCheck.numeric(net, x, y, check.epsilon());
        Map<String, GradientCheck.Stats> stats = GradientCheck.compare(net, analytic, numeric, check.maxRelError(),
                check.minAbsoluteError());
        List<LayerEquivalence.Row> equivalence = null;
        if (check.kind().equals("layers") && !first) {
            CheckNet reference = check.nets().get(0);
            var referenceHp = ResolvedConfig.of(c.spec(), false, reference.overrides()).hyperparameters();
            boolean batchInference = hp.has("batchNormLayer") && hp.getString("batchNormLayer").equals("samediff");
            equivalence = LayerEquivalence.compare(trainable(c.family(), referenceHp, c.shape(), c.classes(), c.seed(),
                            c.backend(), c.speedups()),
                    trainable(c.family(), hp, c.shape(), c.classes(), c.seed(), c.backend(), c.speedups()), x, y,
                    EQUIVALENCE_STEPS, !batchInference);
            for (LayerEquivalence.Row r : equivalence) {
                c.out().println(String.format(Locale.ROOT, "[%s] %s vs %s: %s: max |difference| %.2e%s", c.spec().id(),
                        n.label(), reference.label(), r.what(), r.maxAbsDiff(), r.applies() ? "" : " (differs by design)"));
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        c.out().println(String.format(Locale.ROOT, "[%s] %s: DL4J's check %s; central differences: max relative error %.2e "
                + "(%.1f s)", c.spec().id(), n.label(), dl4j ? "passes" : "FAILS", maxRel(stats), seconds));
        return new NetResult(n.label(), n.overrides(), hp.asMap(), model.substitutions(), net.numParams(), dl4j,
                stats, null, seconds, equivalence, null);
    }

    /** Training steps before running statistics and inference outputs are compared (kind "layers"). */
    static final int EQUIVALENCE_STEPS = 5;

    /** The net as training builds it (its own updater, here plain steps), in double precision. */
    private static MultiLayerNetwork trainable(ModelFamily family, Hyperparameters hp, InputShape shape, int classes,
                                               long seed, BackendInfo backend, SpeedupSetting speedups) {
        var conf = family.configure(hp, shape, classes, seed, 1);
        conf.setDataType(DataType.DOUBLE);
        return Speedups.prepareKeepingInputGradients(conf, backend, speedups).net();
    }

    /** Rebuilds table.md and summary.json from the stored check.json. */
    public static Path rewrite(ExperimentSpec spec, Path dir) throws IOException {
        Path file = dir.resolve(RESULT);
        if (!Files.isRegularFile(file)) throw new UserError("no stored check for " + spec.id() + " at " + file + ": run it first");
        write(spec, Json.MAPPER.readValue(file.toFile(), new TypeReference<Result>() {}), dir);
        return dir;
    }

    static double maxRel(Map<String, GradientCheck.Stats> stats) {
        return stats.values().stream().mapToDouble(GradientCheck.Stats::maxRelError).max().orElse(Double.NaN);
    }

    /**
     * A figure's value: check:LABEL:all:(max_rel_error|dl4j_pass|failures) or check:LABEL:PARAM:STAT; for a replay
     * check:LABEL:all:(loss_before_training|loss_last_minibatch).
     */
    static double metric(Result r, String metric) {
        String[] p = metric.split(":");
        NetResult net = r.nets().stream().filter(n -> n.label().equals(p[1])).findFirst().orElse(null);
        if (net == null || p.length != 4) return Double.NaN;
        if (net.replay() != null) {
            return !p[2].equals("all") ? Double.NaN : switch (p[3]) {
                case "loss_before_training" -> net.replay().beforeTraining();
                case "loss_last_minibatch" -> net.replay().lastMinibatch();
                default -> Double.NaN;
            };
        }
        if (net.formulas() != null) {
            double tolerance = r.tolerance();
            if (p[2].equals("all") && p[3].equals("as_expected")) {
                return net.formulas().stream().filter(f -> f.holds(tolerance) == f.expectedToHold()).count();
            }
            return net.formulas().stream().filter(f -> f.id().equals(p[2])).findFirst()
                    .map(f -> p[3].equals("holds") ? (f.holds(tolerance) ? 1.0 : 0.0)
                            : p[3].equals("max_rel_error") ? f.maxRelError() : Double.NaN).orElse(Double.NaN);
        }
        if (p[2].equals("eq")) {
            if (net.equivalence() == null) return Double.NaN;
            return net.equivalence().stream().filter(e -> e.id().equals(p[3])).findFirst()
                    .map(LayerEquivalence.Row::maxAbsDiff).orElse(Double.NaN);
        }
        if (p[2].equals("all")) {
            return switch (p[3]) {
                case "max_rel_error" -> maxRel(net.matrices());
                case "max_rel_error_all" -> net.matrices().values().stream()
                        .mapToDouble(GradientCheck.Stats::maxRelErrorAll).max().orElse(Double.NaN);
                case "dl4j_pass" -> net.dl4jPasses() ? 1 : 0;
                case "failures" -> net.matrices().values().stream().mapToLong(GradientCheck.Stats::failures).sum();
                default -> Double.NaN;
            };
        }
        GradientCheck.Stats s = net.matrices().get(p[2]);
        if (s == null) return Double.NaN;
        return switch (p[3]) {
            case "sum_abs_diff" -> s.sumAbsDiff();
            case "max_rel_error" -> s.maxRelError();
            default -> Double.NaN;
        };
    }

    private static List<FigureRow> write(ExperimentSpec spec, Result r, Path dir) throws IOException {
        List<FigureRow> figures = spec.reference().figures().stream()
                .map(f -> FigureRow.of(f, metric(r, f.metric()), false)).toList();
        StringBuilder md = new StringBuilder("# ").append(spec.id()).append(": ").append(spec.title()).append("\n\n");
        md.append("Catalogue ").append(spec.catalogue()).append(" · source: ").append(spec.source()).append("\n\n");
        ReportTable.figures(md, figures, spec, false);
        for (NetResult n : r.nets()) {
            CheckNet specNet = spec.check().nets().stream().filter(c -> c.label().equals(n.label())).findFirst().orElse(null);
            if (n.replay() != null) {
                replayTable(md, n);
                continue;
            }
            md.append("\n## ").append(n.label()).append("\n\n").append(String.format(Locale.ROOT,
                    "%,d parameters, %d training examples%s; hyperparameters `%s`%n%n", n.parameters(), r.examples(),
                    n.formulas() != null ? "" : String.format(Locale.ROOT, ", ε = %g; DL4J's GradientCheckUtil on the same net: **%s**",
                            r.epsilon(), n.dl4jPasses() ? "pass" : "FAIL"),
                    ReportTable.json(n.hyperparameters())));
            if (n.formulas() != null) {
                formulasTable(md, n, r.tolerance());
                continue;
            }
            md.append("| matrix | size | sum of abs differences | report | mean abs (backprop / numeric) | report | "
                    + "min abs (backprop / numeric) | report | max abs (backprop / numeric) | report | max relative error (judged / all elements) | failing elements |\n");
            md.append("|---|---:|---:|---:|---|---|---|---|---|---|---|---:|\n");
            for (var e : n.matrices().entrySet()) {
                GradientCheck.Stats s = e.getValue();
                Map<String, Double> rep = specNet == null || specNet.report() == null ? null : specNet.report().get(e.getKey());
                md.append("| ").append(e.getKey()).append(" | ").append(s.size()).append(" | ").append(sci(s.sumAbsDiff()))
                        .append(" | ").append(rep(rep, "sum_abs_diff")).append(" | ")
                        .append(sci(s.meanAbs())).append(" / ").append(sci(s.meanAbsNum())).append(" | ")
                        .append(rep(rep, "mean_abs")).append(" | ")
                        .append(sci(s.minAbs())).append(" / ").append(sci(s.minAbsNum())).append(" | ")
                        .append(rep(rep, "min_abs")).append(" | ")
                        .append(sci(s.maxAbs())).append(" / ").append(sci(s.maxAbsNum())).append(" | ")
                        .append(rep(rep, "max_abs")).append(" | ").append(sci(s.maxRelError())).append(" / ")
                        .append(sci(s.maxRelErrorAll())).append(" | ")
                        .append(s.failures()).append(" |\n");
            }
            if (n.equivalence() != null) {
                md.append("\nAgainst `").append(r.nets().get(0).label()).append("` (shared parameters copied over, same minibatch):\n\n")
                        .append("| compared | max absolute difference | judged |\n|---|---:|---|\n");
                for (LayerEquivalence.Row e : n.equivalence()) {
                    md.append("| ").append(e.what()).append(" | ").append(sci(e.maxAbsDiff())).append(" | ")
                            .append(e.applies() ? "yes" : "no: differs by design").append(" |\n");
                }
            }
        }
        Map<String, List<Double>> replays = new LinkedHashMap<>();
        for (NetResult n : r.nets()) if (n.replay() != null) replays.put(n.label(), n.replay().minibatches());
        if (!replays.isEmpty()) {
            LearningCurvePlot.losses(dir.resolve("losses.png"), spec.id() + ": loss of each minibatch before its step", replays);
            md.append("\n![loss of each minibatch](losses.png)\n");
        }
        ReportTable.notesAndStages(md, spec, dir, false);
        md.append("\n## Run\n\n- ").append(r.provenance().get("backend")).append("\n- software ")
                .append(ReportTable.json(r.provenance().get("software"))).append(String.format(Locale.ROOT, "%n- wall time %.1f s%n",
                        ((Number) r.provenance().get("wall_s")).doubleValue()));
        md.append("\n## Regenerate\n\n- `./repro run ").append(spec.id()).append("` (everything in check.json)\n- this table from it: `./repro table ")
                .append(spec.id()).append("`\n");
        AtomicFiles.write(dir.resolve("table.md"), md.toString());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("experiment", spec.id());
        summary.put("figures", ReportTable.figuresJson(figures));
        summary.put("provenance", r.provenance());
        AtomicFiles.write(dir.resolve("summary.json"), Json.MAPPER.writeValueAsString(summary));
        return figures;
    }

    /** A replay's losses: before training, then the first, every tenth and the last minibatch. */
    private static void replayTable(StringBuilder md, NetResult n) throws IOException {
        List<Double> losses = n.replay().minibatches();
        md.append("\n## ").append(n.label()).append("\n\nhyperparameters `").append(ReportTable.json(n.hyperparameters()))
                .append("`\n\n| when | loss |\n|---|---:|\n")
                .append(String.format(Locale.ROOT, "| all points, before training | %.15f |%n", n.replay().beforeTraining()));
        for (int i = 0; i < losses.size(); i++) {
            if (i == 0 || (i + 1) % 10 == 0 || i == losses.size() - 1) {
                md.append(String.format(Locale.ROOT, "| minibatch %d, before its step | %.15f |%n", i + 1, losses.get(i)));
            }
        }
    }

    private static void formulasTable(StringBuilder md, NetResult n, double tolerance) {
        md.append("| formula | from | should hold | max relative error vs DL4J | result |\n|---|---|---|---:|---|\n");
        for (ClosedForms.Row f : n.formulas()) {
            boolean holds = f.holds(tolerance);
            md.append("| ").append(f.formula()).append(f.note() == null ? "" : " — " + f.note()).append(" | ")
                    .append(f.source()).append(" | ").append(f.expectedToHold() ? "yes" : "no (a slip)").append(" | ")
                    .append(Double.isFinite(f.maxRelError()) ? sci(f.maxRelError()) : "shapes do not conform").append(" | ")
                    .append(holds ? "holds" : "fails").append(holds == f.expectedToHold() ? "" : " **UNEXPECTED**")
                    .append(" |\n");
        }
    }

    private static String rep(Map<String, Double> report, String key) {
        if (report == null) return "—";
        Double a = report.get(key), n = report.get(key + "_num");
        if (a == null) return "—";
        return n == null ? sci(a) : sci(a) + " / " + sci(n);
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }
}
