package dl4jrepro.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dl4jrepro.base.Json;
import dl4jrepro.base.Metrics;
import dl4jrepro.base.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/** The specs under {@code experiments/}: finds them by id, parses them strictly and checks them before any run starts. */
public final class SpecCatalog {
    private static final Set<String> DATASETS = Set.of("cifar10", "mnist", "function-1d", "csv", "toy-000");
    private static final Set<String> PREPROCESS = Set.of("subtract-train-mean-image", "scale-01",
            "scale-pm1", "scale-01-subtract-mean-image", "standardize-channels", "scale-01-normalize", "none");
    private static final Set<String> TRAIN_METRICS = Set.of("running", "last-batch", "full");
    private static final Set<String> VAL_FROM = Set.of("last", "next", "random");

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public SpecCatalog(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public List<String> ids() {
        if (!Files.isDirectory(dir)) {
            throw new UserError("no experiments folder at " + dir.toAbsolutePath()
                    + ": run from the project root or pass --experiments-dir");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UserError("cannot list " + dir + ": " + e.getMessage());
        }
    }

    public List<ExperimentSpec> all() {
        List<ExperimentSpec> specs = new ArrayList<>();
        for (String id : ids()) specs.add(load(id));
        return specs;
    }

    public ExperimentSpec load(String id) {
        Path file = dir.resolve(id + ".json");
        if (!isSpec(dir, id)) {
            List<String> known = ids();
            throw new UserError("unknown experiment '" + id + "': no " + dir.resolve(id + ".json")
                    + "; run 'list' to see the " + known.size() + " known ids");
        }
        ExperimentSpec spec;
        try {
            spec = json.readValue(file.toFile(), ExperimentSpec.class);
        } catch (JsonProcessingException e) {
            throw new UserError(file + ": malformed spec" + Json.problem(e));
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage());
        }
        validate(file, id, spec);
        return spec;
    }

    /** The spec with other preprocessing settings (null keeps the spec's), checked like a spec read from a file. */
    public static ExperimentSpec withData(ExperimentSpec s, String preprocess, Integer pca) {
        ExperimentSpec.DataSpec d = s.data();
        String p = preprocess != null ? preprocess : d.preprocess();
        if (!PREPROCESS.contains(p)) throw new UserError("data.preprocess=" + p + ": use one of " + PREPROCESS);
        Integer components = pca != null ? (pca == 0 ? null : pca) : d.pca();
        if (components != null && components < 1) throw new UserError("data.pca=" + pca + ": use a positive number of components, or 0 for none");
        if (components != null && d.augment() != null) {
            throw new UserError("data.pca=" + pca + ": " + s.id() + " augments its images, which needs them unprojected");
        }
        if (p.equals("scale-01-normalize") && d.normalize() == null) {
            throw new UserError("data.preprocess=" + p + " needs data.normalize (mean and sd) in the spec");
        }
        return s.withData(d.withPreprocessing(p, components));
    }

    /** The spec with other augmentation (null: none), checked like a spec read from a file. */
    public static ExperimentSpec withAugment(ExperimentSpec s, ExperimentSpec.Augment augment) {
        ExperimentSpec.DataSpec d = s.data().withAugment(augment);
        String problem = augmentProblem(d);
        if (problem != null) throw new UserError(problem);
        return s.withData(d);
    }

    /** What is wrong with the data's augmentation, or null. */
    private static String augmentProblem(ExperimentSpec.DataSpec d) {
        ExperimentSpec.Augment a = d.augment();
        if (a == null) return null;
        if (!(a.copies() >= 1 && a.rotateDegrees() >= 0 && a.rotateDegrees() <= 180 && a.translate() >= 0
                && a.translate() < 1 && a.shearDegrees() >= 0 && a.shearDegrees() < 90)) {
            return "data.augment needs copies ≥ 1, 0 ≤ rotateDegrees ≤ 180, 0 ≤ translate < 1 and 0 ≤ shearDegrees < 90";
        }
        if (d.pca() != null) return "data.augment works on images: it cannot be combined with data.pca";
        if (d.isOneDimensional()) return "data.augment works on images: " + d.dataset() + " data has none";
        return null;
    }

    private static void validate(Path file, String id, ExperimentSpec s) {
        require(file, id.equals(s.id()), "its id '" + s.id() + "' differs from the file name '" + id + "'");
        require(file, s.title() != null && !s.title().isBlank(), "title is missing");
        if (s.stageOf() != null) {
            require(file, s.stageName() != null && !s.stageName().isEmpty() && !s.stageName().equals("quick"),
                    "stageOf '" + s.stageOf() + "': a stage's id is its parent's id, a hyphen and a stage name other than 'quick'");
            require(file, Files.isRegularFile(file.resolveSibling(s.stageOf() + ".json")),
                    "stageOf '" + s.stageOf() + "': no such experiment in " + file.getParent());
        }
        require(file, s.family() != null, "family is missing");
        require(file, s.threads() == null || s.threads() >= 1, "threads " + s.threads() + " must be 1 or more");
        require(file, s.threads() == null || s.kind() == ExperimentSpec.Kind.RUN,
                "threads is for a single run: a search's trials share the cores through --parallel; remove it");
        require(file, s.seed() != null, "seed is missing");
        require(file, s.seed() >= 0, "seed " + s.seed() + " is negative: use a seed of 0 or more, as --seed takes");
        require(file, s.hyperparameters() != null, "hyperparameters are missing");
        ExperimentSpec.DataSpec d = s.data();
        require(file, d != null, "data is missing");
        require(file, DATASETS.contains(d.dataset()), "data.dataset '" + d.dataset() + "' is not one of " + DATASETS);
        require(file, PREPROCESS.contains(d.preprocess()), "data.preprocess '" + d.preprocess() + "' is not one of " + PREPROCESS);
        require(file, VAL_FROM.contains(d.valFrom()), "data.valFrom '" + d.valFrom() + "' is not one of " + VAL_FROM);
        require(file, d.train() > 0 && d.val() >= 0 && d.test() > 0, "data split sizes must be positive");
        require(file, d.pca() == null || d.pca() > 0, "data.pca must be a positive number of components");
        checkNormalize(file, d);
        checkOneDimensional(file, d);
        String augmentProblem = augmentProblem(d);
        require(file, augmentProblem == null, augmentProblem);
        checkBudget(file, "budget", s.budget());
        checkBudget(file, "quickBudget", s.quickBudget());
        checkSearch(file, s);
        if (s.check() != null) {
            boolean replay = "replay".equals(s.check().kind());
            require(file, Set.of("gradient", "closed-forms", "layers", "replay").contains(s.check().kind())
                            && s.check().nets() != null && !s.check().nets().isEmpty() && s.search() == null
                            && (replay || s.check().epsilon() > 0 && s.check().maxRelError() > 0),
                    "check needs kind 'gradient', 'closed-forms', 'layers' or 'replay', at least one net and no search; "
                            + "all but 'replay' need epsilon > 0 and maxRelError > 0");
        }
        require(file, (s.check() != null && "replay".equals(s.check().kind())) == d.dataset().equals("toy-000"),
                "data.dataset 'toy-000' (the bundled toy problem of report 000) goes with, and only with, check kind 'replay'");
        ExperimentSpec.Reference r = s.reference();
        require(file, r != null && r.figures() != null, "reference.figures is missing (use [] for none)");
        for (ExperimentSpec.Figure f : r.figures()) {
            require(file, f.name() != null && f.metric() != null, "every reference figure needs a name and a metric");
            if (s.check() != null) {
                require(file, f.metric().startsWith("check:"), "figure '" + f.name() + "' of a check needs a metric "
                        + "check:<net label>:<all or a parameter>:<statistic>; got '" + f.metric() + "'");
            } else if (s.search() == null) {
                require(file, Metrics.isValid(f.metric()), "figure '" + f.name() + "' has unknown metric '"
                        + f.metric() + "' (use last.|best.|atbest.<train|val|test>_<loss|acc> or final."
                        + String.join("|final.", Metrics.FINAL) + ")");
            } else {
                require(file, Metrics.aggregate(f.metric()).isPresent(), "figure '" + f.name() + "' of a search needs an "
                        + "aggregate like max(last.val_acc), mean(...), sd(...), min(...) or best(...), optionally "
                        + "filtered as max(last.val_acc | lr=0.001); got '" + f.metric() + "'");
            }
            require(file, f.atMost() == null || f.report() == null, "figure '" + f.name() + "' has both a report value and a ceiling");
            require(file, f.report() == null || f.tolerance() != null || f.spread() != null || f.batchSpread() != null,
                    "figure '" + f.name() + "' has a report value but neither a tolerance nor a spread");
            require(file, f.tolerance() == null || f.spread() == null, "figure '" + f.name() + "' has both a tolerance "
                    + "and a spread: the spread's measured sd sets the tolerance, so drop the typed one");
            require(file, f.batchSpread() == null || f.tolerance() == null && f.spread() == null && f.report() != null
                            && (s.search() == null || Metrics.aggregate(f.metric()).map(a -> !a.filter().isEmpty()).orElse(false))
                            && s.check() == null && f.batchSpread().startsWith("final.batch_")
                            && Metrics.isValid(f.batchSpread()) && f.batchSpread().contains("_sd"),
                    "figure '" + f.name() + "': batchSpread names a final.batch_*_sd metric of a single run, or of the one "
                            + "trial a search figure's filter picks; it replaces a typed tolerance or a spread and needs a "
                            + "report value");
            if (f.spread() != null) {
                require(file, f.report() != null, "figure '" + f.name() + "' has a spread but no report value to hold it against");
                require(file, f.spread().metric() != null && Metrics.aggregate("sd(" + f.spread().metric() + ")").isPresent(),
                        "figure '" + f.name() + "': spread.metric must be a metric of each repeat, like last.val_acc or "
                                + "final.test_acc, optionally filtered as best.test_acc | hidden=[400,400,400]");
                requireExperiment(file, f.name(), "spread.experiment", f.spread().experiment());
                require(file, !readsTestCurve(f.spread().metric())
                                || scoresTestCurve(file.resolveSibling(f.spread().experiment() + ".json")),
                        "figure '" + f.name() + "': spread.metric '" + f.spread().metric() + "' reads the test split's curve, "
                                + "which " + f.spread().experiment() + "'s budget.testCurve false leaves empty: set it true there");
                String scored = scoredWhereRead(f.spread().metric());
                require(file, scored == null || reads(file.resolveSibling(f.spread().experiment() + ".json"), scored),
                        "figure '" + f.name() + "': spread.metric '" + f.spread().metric() + "' is scored after training "
                                + "only where a spec's own figures, columns or report rows read " + scored + "*, which "
                                + f.spread().experiment() + "'s do not: add a figure reading it there");
            }
            if (f.ablation() != null) requireExperiment(file, f.name(), "ablation", f.ablation());
            require(file, f.reportDecimals() == null || f.report() != null && f.reportDecimals() >= 0 && f.reportDecimals() <= 12,
                    "figure '" + f.name() + "': reportDecimals (0-12) says how the report prints its value, so it needs one");
        }
        checkTestCurve(file, "budget", s.budget(), s);
        checkTestCurve(file, "quickBudget", s.quickBudget(), s);
    }

    /** A budget that scores the test split only after training leaves every figure that reads it during training empty. */
    private static void checkTestCurve(Path file, String name, ExperimentSpec.Budget b, ExperimentSpec s) {
        if (b.scoresTestCurve()) return;
        for (String m : s.metricsRead()) {
            require(file, !readsTestCurve(m), "'" + m + "' reads the test split's curve, which " + name
                    + ".testCurve false leaves empty: set it true, or read final.test_* (scored after training)");
        }
    }

    /** Whether another spec file's budget scores the test split at each evaluation (read without checking that spec). */
    private static boolean scoresTestCurve(Path other) {
        try {
            return !Json.MAPPER.readTree(other.toFile()).path("budget").path("testCurve").asText("").equals("false");
        } catch (IOException e) {
            return true;  // a malformed spec is reported when it is loaded itself
        }
    }

    /**
     * The kind (final.train_full_ or final.batch_) of a metric, or of the metric an aggregate reads, that a run scores
     * after training only where its spec reads one of that kind; null for the others.
     */
    private static String scoredWhereRead(String metric) {
        String m = metricOf(metric);
        return Metrics.SCORED_WHERE_READ.stream().filter(m::startsWith).findFirst().orElse(null);
    }

    /** Whether another spec file's figures, columns or report rows read a metric of a kind (parsed without checking it). */
    private static boolean reads(Path other, String kind) {
        try {
            return Json.MAPPER.readValue(other.toFile(), ExperimentSpec.class).reads(kind);
        } catch (IOException e) {
            return true;  // a malformed spec is reported when it is loaded itself
        }
    }

    /** Whether a metric, or the metric an aggregate reads, is a test column of the curve (last., best., atbest.). */
    private static boolean readsTestCurve(String metric) {
        return metricOf(metric).matches("(last|best|atbest)\\.test_.*");
    }

    /** The metric itself, or the metric an aggregate reads. */
    private static String metricOf(String metric) {
        return Metrics.aggregate(metric).map(Metrics.AggregateText::metric).orElse(metric.trim());
    }

    /** Whether {@code id} is a well-formed experiment id with a spec file in {@code dir}. */
    private static boolean isSpec(Path dir, String id) {
        return id.matches("[a-z0-9][a-z0-9-]*") && Files.isRegularFile(dir.resolve(id + ".json"));
    }

    /** A figure's spread or ablation names another experiment of the catalogue. */
    private static void requireExperiment(Path file, String figure, String field, String id) {
        require(file, id != null && isSpec(file.getParent(), id),
                "figure '" + figure + "': " + field + " '" + id + "' is no experiment: expected " + file.resolveSibling(id + ".json"));
    }

    private static void checkOneDimensional(Path file, ExperimentSpec.DataSpec d) {
        require(file, (d.isOneDimensional() || d.dataset().equals("toy-000")) == d.preprocess().equals("none"),
                "data.preprocess 'none' is for the 1-D data sets (function-1d, csv) and the bundled toy-000, and they take no other");
        require(file, !d.isOneDimensional() || d.val() == 0, "1-D data sets validate on folds (data.folds, data.fold), not data.val");
        require(file, d.function() != null == d.dataset().equals("function-1d"),
                "data.function is needed by, and only by, dataset function-1d");
        require(file, d.csv() != null == d.dataset().equals("csv"), "data.csv is needed by, and only by, dataset csv");
        require(file, d.folds() == null || d.isOneDimensional() && d.folds() >= 2, "data.folds (≥ 2) is for the 1-D data sets");
        require(file, d.fold() == null || d.folds() != null && d.fold() >= 0 && d.fold() < d.folds(),
                "data.fold must be one of 0 … data.folds − 1");
        ExperimentSpec.Function1d f = d.function();
        if (f == null) return;
        require(file, f.xMax() > f.xMin() && f.trainNoise() >= 0 && f.testNoise() >= 0,
                "data.function needs xMin < xMax and noise ≥ 0");
        require(file, f.sines() != null && f.sines().stream().allMatch(t -> t != null && t.size() == 3) && f.poly() != null,
                "data.function.sines holds [amplitude, frequency, phase] triples; poly the polynomial's coefficients");
        require(file, f.dark() != null && f.dark().stream().allMatch(i -> i != null && i.size() == 2 && i.get(0) < i.get(1)
                        && i.get(0) >= f.xMin() && i.get(1) <= f.xMax()),
                "data.function.dark holds [from, to] intervals inside [xMin, xMax]");
    }

    private static void checkNormalize(Path file, ExperimentSpec.DataSpec d) {
        ExperimentSpec.Normalize n = d.normalize();
        require(file, n != null || !d.preprocess().equals("scale-01-normalize"),
                "data.preprocess scale-01-normalize needs data.normalize with mean and sd");
        if (n == null) return;
        int channels = d.dataset().equals("cifar10") ? 3 : 1;
        require(file, n.mean() != null && n.sd() != null && n.mean().size() == channels && n.sd().size() == channels,
                "data.normalize needs " + channels + " mean and " + channels + " sd value(s), one per channel of " + d.dataset());
        require(file, n.sd().stream().allMatch(v -> v != null && v > 0) && n.mean().stream().allMatch(v -> v != null),
                "data.normalize.sd values must be positive");
    }

    private static void checkSearch(Path file, ExperimentSpec s) {
        if (s.search() == null) {
            require(file, s.table() == null && s.reportRows() == null, "table and reportRows belong to searches");
            return;
        }
        ExperimentSpec.Search search = s.search();
        require(file, search.configs() == null || !search.configs().isEmpty(),
                "search.configs is empty: list at least one configuration, or remove it");
        require(file, search.grid() == null || !search.grid().isEmpty(),
                "search.grid is empty: give at least one axis, or remove it");
        if (search.grid() != null) {
            for (Map.Entry<String, Object> axis : search.grid().entrySet()) {
                require(file, !(axis.getValue() instanceof List<?> l) || !l.isEmpty(),
                        "search.grid axis '" + axis.getKey() + "' has no values");
            }
        }
        if (search.comparisons() != null) {
            require(file, search.configs() == null && search.grid() == null && search.random() == null,
                    "search.comparisons varies one factor at a time and cannot be combined with configs, grid or random");
            for (Map.Entry<String, Map<String, List<Object>>> c : search.comparisons().entrySet()) {
                require(file, c.getValue() != null && c.getValue().size() == 1
                                && c.getValue().values().iterator().next() != null
                                && c.getValue().values().iterator().next().size() >= 2,
                        "comparison '" + c.getKey() + "' needs exactly one key with at least two values");
            }
        }
        ExperimentSpec.TableSpec t = s.table();
        require(file, t != null && t.sortBy() != null && t.columns() != null, "a search needs table.sortBy and table.columns");
        require(file, Metrics.isValid(t.sortBy()), "table.sortBy '" + t.sortBy() + "' is not a metric");
        for (ExperimentSpec.Column c : t.columns()) {
            require(file, c.metric() != null && Metrics.isValid(c.metric()) && c.label() != null,
                    "table column '" + c.metric() + "' needs a valid metric and a label");
        }
        require(file, t.heatmap() == null || t.heatmap().size() == 2, "table.heatmap names exactly two keys");
        if (s.reportRows() != null) {
            for (ExperimentSpec.ReportRow r : s.reportRows()) {
                require(file, r.config() != null && r.values() != null, "every report row needs config and values");
                for (String m : r.values().keySet()) require(file, Metrics.isValid(m), "report row metric '" + m + "'");
            }
        }
    }

    private static void checkBudget(Path file, String name, ExperimentSpec.Budget b) {
        require(file, b != null, name + " is missing");
        require(file, (b.epochs() == null) != (b.steps() == null), name + " needs exactly one of epochs and steps");
        require(file, (b.epochs() == null || b.epochs() > 0) && (b.steps() == null || b.steps() > 0),
                name + " epochs/steps must be positive");
        require(file, b.evalEvery() == null || b.evalEvery() > 0, name + ".evalEvery must be positive");
        require(file, b.trainSubset() == null || b.trainSubset() > 0, name + ".trainSubset must be positive");
        require(file, b.stopAtLossRatio() == null || b.stopAtLossRatio() > 1,
                name + ".stopAtLossRatio must exceed 1 (a range test stops at this many times the lowest smoothed loss)");
        require(file, b.earlyStopping() == null || b.earlyStopping().patience() >= 1 && b.earlyStopping().minDelta() >= 0,
                name + ".earlyStopping needs patience ≥ 1 and minDelta ≥ 0");
        require(file, TRAIN_METRICS.contains(b.trainMetric()),
                name + ".trainMetric '" + b.trainMetric() + "' is not one of " + TRAIN_METRICS);
    }

    private static void require(Path file, boolean ok, String problem) {
        if (!ok) throw new UserError(file + ": invalid spec: " + problem);
    }
}
