package dl4jrepro.spec;

import java.util.List;
import java.util.Map;

/**
 * One catalogue experiment as stored in {@code experiments/<id>.json}: everything that varies between experiments
 * (data, hyperparameters, budgets, the report's figures) is here, so the code holds only model families and machinery.
 *
 * @param id              catalogue id, equal to the file name
 * @param catalogue       the row of the catalogue (docs/catalogue.md, e.g. "A5"), or null for experiments of our own
 * @param title           one line for {@code list}
 * @param family          the model family class in {@code dl4jrepro.families}
 * @param source          where in the reports the experiment is described
 * @param data            data set, split and preprocessing
 * @param hyperparameters every setting the family reads, by name
 * @param budget          the report's full budget
 * @param quickBudget     a smoke budget for {@code --quick}
 * @param seed            default seed
 * @param reference       the report's figures to hold the run against
 * @param notes           choices made where the report is silent, and known differences
 * @param check           for experiments that check backpropagation instead of training (catalogue E)
 * @param speedups        which of this project's faster code its runs may use (on, off, kinds, or kinds to leave out:
 *                        dl4jrepro.speedups.SpeedupSetting), null for all of it; {@code --speedups} overrides it
 * @param stageOf         the experiment this one is a stage of (its id starts with that id and a hyphen), or null: a
 *                        stage's results go into a sub-folder of the parent's, so one catalogue row's tables, runs and
 *                        pictures sit together ({@code regression-selu-003-final} → {@code results/regression-selu-003/final/})
 * @param threads         OpenMP/BLAS threads a single run takes unless {@code --threads} says otherwise (the CNNs: all
 *                        the cores), or null for the environment's ({@code ./repro}: 1, the fastest for the MLPs); a
 *                        search's workers share the cores instead ({@code --parallel})
 */
public record ExperimentSpec(
        String id,
        String catalogue,
        String title,
        String family,
        String source,
        DataSpec data,
        Map<String, Object> hyperparameters,
        Budget budget,
        Budget quickBudget,
        Long seed,
        Reference reference,
        Search search,
        TableSpec table,
        List<ReportRow> reportRows,
        List<String> notes,
        Check check,
        String speedups,
        String stageOf,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        Integer threads) {

    /** What running the experiment does: check backpropagation, train a search's trials, or train one run. */
    public enum Kind { CHECK, SEARCH, RUN }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public Kind kind() {
        return check != null ? Kind.CHECK : search != null ? Kind.SEARCH : Kind.RUN;
    }

    /**
     * The metrics this spec's own figures (and their batch spreads), table and report rows read, as written: aggregates
     * with their filters. A spread's metric is read from its experiment's records, so it is that experiment's.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public List<String> metricsRead() {
        List<String> read = new java.util.ArrayList<>();
        if (reference != null && reference.figures() != null) {
            for (Figure f : reference.figures()) {
                read.add(f.metric());
                if (f.batchSpread() != null) read.add(f.batchSpread());
            }
        }
        if (table != null) {
            read.add(table.sortBy());
            if (table.columns() != null) table.columns().forEach(c -> read.add(c.metric()));
        }
        if (reportRows != null) reportRows.forEach(r -> read.addAll(r.values().keySet()));
        return read;
    }

    /** Whether a figure, table column or report row of this spec reads a metric of a kind (a prefix: final.batch_). */
    public boolean reads(String kind) {
        return metricsRead().stream().anyMatch(m -> m.contains(kind));
    }

    /** The same experiment on other data settings. */
    public ExperimentSpec withData(DataSpec d) {
        return new ExperimentSpec(id, catalogue, title, family, source, d, hyperparameters, budget, quickBudget, seed,
                reference, search, table, reportRows, notes, check, speedups, stageOf, threads);
    }

    /** Where this experiment's results go, relative to the results root: its id, or the parent's folder for a stage. */
    public String resultsPath() {
        return stageOf == null ? id : stageOf + "/" + stageName();
    }

    /** The part of a stage's id after its parent's, e.g. "final"; null for an experiment that is no stage. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String stageName() {
        return stageOf == null || !id.startsWith(stageOf + "-") ? null : id.substring(stageOf.length() + 1);
    }

    /**
     * Trials of a search: every configuration (each of {@code configs}, or the spec itself) combined with every point of
     * {@code grid} and every {@code random} draw, each repeated over {@code seeds} seeds. Keys are those of
     * {@link dl4jrepro.run.ResolvedConfig}; a grid axis is a list of values, or {@code {"linspace": [from, to, n]}} /
     * {@code {"logspace": [fromExp, toExp, n]}}. {@code quickSample}: with {@code --quick}, run only this many trials,
     * a seeded random sample of the plan (a smoke run of a 486-trial grid need not train 486 nets).
     * {@code comparisons} instead varies one factor at a time around the spec: by name, one key and its values
     * ({"depth": {"blocks": [[[32]], [[32, 64]]]}}); a value equal to the spec's is the spec itself, trained once and
     * shared by every comparison. {@code crossValidate}: every configuration is trained once per fold of the data
     * ({@code data.folds}), each fold validating in turn, and configurations are ranked by their mean over folds.
     */
    public record Search(List<Map<String, Object>> configs, Map<String, Object> grid, RandomSearch random, Integer seeds,
                         Integer quickSample, Map<String, Map<String, List<Object>>> comparisons, Boolean crossValidate) {}

    /** {@code n} draws, each key uniform in [min, max], or log-uniform with {@code log: true}. */
    public record RandomSearch(int n, Long seed, Map<String, Range> ranges) {}

    public record Range(double min, double max, Boolean log, Boolean integer) {}

    /**
     * How a search's table is laid out.
     *
     * @param sortBy   the metric rows are ranked by (e.g. last.val_acc)
     * @param columns  metrics shown for every row, with their headings
     * @param top      rows shown from the top when the grid is long (all rows are always in grid.csv)
     * @param bottom   rows shown from the bottom when the grid is long
     * @param maxGap   the filtered view keeps rows whose first column minus sortBy is at most this (train–val gap)
     * @param heatmap  two override keys to draw the best sortBy value over
     * @param curvesBy an override key: one learning curve per value of it, drawn together
     * @param chosen   configurations (override keys and values) whose learning curves are drawn together, such as
     *                 a report's chosen configuration beside the best one
     * @param perAxis  grid axes to analyse one at a time (best and mean of sortBy per value, a chart per axis), each
     *                 with the value the report calls optimal, or null where it names none
     */
    public record TableSpec(String sortBy, List<Column> columns, Integer top, Integer bottom, Double maxGap,
                            List<String> heatmap, String curvesBy, List<Map<String, Object>> chosen,
                            Map<String, Object> perAxis) {}

    public record Column(String metric, String label) {}

    /** One row of a report's own table: the configuration (override keys) and its figures by metric name. */
    public record ReportRow(Map<String, Object> config, Map<String, Double> values) {}

    /**
     * @param dataset    "cifar10", "mnist", "function-1d", "csv" or "toy-000" (bundled, check kind "replay" only)
     * @param train      training examples, taken from the start of the official training set
     * @param val        validation examples
     * @param valFrom    "last": the last {@code val} official training examples (cs231n convention); "next": the
     *                   {@code val} examples right after the training ones (e.g. data_batch_1 trains, data_batch_2
     *                   validates); "random": a seeded draw
     * @param test       test examples, from the start of the official test set
     * @param preprocess "subtract-train-mean-image" (raw 0-255 pixels minus the training split's mean image), "scale-01"
     *                   (pixels / 255), "scale-pm1" (pixels / 127.5 − 1, torchvision's ToTensor + Normalize(0.5, 0.5)),
     *                   "scale-01-subtract-mean-image" (pixels / 255 minus the training mean image) or
     *                   "standardize-channels" (per colour channel: minus the training mean, over the training sd) or
     *                   "scale-01-normalize" (pixels / 255, then per channel minus {@code normalize.mean}, over
     *                   {@code normalize.sd}: torchvision's ToTensor + Normalize with given statistics)
     * @param pca        if set, project onto this many principal components, fitted on the training split only
     * @param normalize  the statistics "scale-01-normalize" uses
     * @param augment    if set, the training split grows by randomly transformed copies of itself
     * @param function   for dataset "function-1d": the generated regression data set
     * @param csv        for dataset "csv": (x, y) files of one's own
     * @param folds      for the 1-D data sets: split the training points into this many seeded folds
     * @param fold       which fold validates (the rest train); null trains on every training point
     */
    public record DataSpec(String dataset, int train, int val, String valFrom, int test, String preprocess, Integer pca,
                           Normalize normalize, Augment augment, Function1d function, Csv csv, Integer folds,
                           Integer fold) {

        /** The image data sets' constructor: no 1-D data settings. */
        public DataSpec(String dataset, int train, int val, String valFrom, int test, String preprocess, Integer pca,
                        Normalize normalize, Augment augment) {
            this(dataset, train, val, valFrom, test, preprocess, pca, normalize, augment, null, null, null, null);
        }

        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isOneDimensional() {
            return dataset.equals("function-1d") || dataset.equals("csv");
        }

        /** This data with other preprocessing and PCA settings. */
        public DataSpec withPreprocessing(String p, Integer components) {
            return new DataSpec(dataset, train, val, valFrom, test, p, components, normalize, augment, function, csv, folds, fold);
        }

        /** This data with other augmentation (null: none). */
        public DataSpec withAugment(Augment a) {
            return new DataSpec(dataset, train, val, valFrom, test, preprocess, pca, normalize, a, function, csv, folds, fold);
        }

        /** This data with the validation fold {@code k}. */
        public DataSpec withFold(Integer k) {
            return new DataSpec(dataset, train, val, valFrom, test, preprocess, pca, normalize, augment, function, csv, folds, k);
        }

        /** This data read from (x, y) files with these row counts instead. */
        public DataSpec withCsv(Csv files, int trainRows, int testRows) {
            return new DataSpec("csv", trainRows, val, valFrom, testRows, preprocess, pca, normalize, augment, null, files,
                    folds, fold);
        }
    }

    /**
     * A smooth 1-D function with noisy samples, as report 003's regression task has: f(x) = Σ a·sin(b·x + c) over
     * {@code sines} ([a, b, c] each) + Σ p_k·x^k over {@code poly}. Training x are uniform on [xMin, xMax] outside the
     * {@code dark} intervals, with N(0, trainNoise²) added to f; test x are uniform over the whole interval, dark parts
     * included, with N(0, testNoise²). Drawn from the spec's seed.
     */
    public record Function1d(double xMin, double xMax, List<List<Double>> sines, List<Double> poly, List<List<Double>> dark,
                             double trainNoise, double testNoise) {}

    /** Two CSV files of (x, y) rows, an optional header line first. */
    public record Csv(String train, String test) {}

    /** Per-channel mean and standard deviation (one value each for grey images), on the 0-1 pixel scale. */
    public record Normalize(List<Double> mean, List<Double> sd) {}

    /**
     * Random affine copies of the training images, as torchvision's RandomAffine draws them: each copy of each image is
     * rotated by U(−rotateDegrees, rotateDegrees), sheared along x by U(−shearDegrees, shearDegrees) and shifted by
     * U(−translate, translate) × the image size in each direction, about the image centre, with bilinear sampling and
     * black outside the image. Seeded by the spec's seed, so every trial sees the same copies.
     *
     * @param copies how many transformed copies of the training split to add (1 doubles it)
     * @param flip   true: also mirror each copy left to right with probability 1/2 (torchvision's RandomHorizontalFlip,
     *               the usual CIFAR-10 augmentation with shifts); optional, and left out of the JSON when not given, so
     *               the provenance of runs made before it existed reads the same
     */
    public record Augment(int copies, double rotateDegrees, double translate, double shearDegrees,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          Boolean flip) {
        /** Whether copies are mirrored. */
        public boolean mirrors() {
            return Boolean.TRUE.equals(flip);
        }
    }

    /**
     * Exactly one of {@code epochs} and {@code steps} is set.
     *
     * @param epochs      passes over the training split
     * @param steps       minibatch updates
     * @param evalEvery   steps between evaluations; null means once per epoch
     * @param trainMetric how training loss/accuracy is measured at an evaluation: "running" (mean over the minibatches
     *                    since the previous evaluation, before each update, as a PyTorch loop reports it), "last-batch"
     *                    (the current minibatch only, as report 004's NumPy code does) or "full" (the whole split)
     * @param trainSubset if set, train on only the first this-many training examples (smoke runs)
     * @param earlyStopping if set, stop early on validation accuracy and keep the best weights
     * @param stopAtLossRatio if set, stop (completed) once the smoothed training loss exceeds this many times its lowest
     *                    value, or turns non-finite: a learning-rate range test's end, where the loss blows up
     * @param testCurve   false: the test split is scored once, after training (final.test_*), not at each evaluation,
     *                    so the curve's test columns stay empty. For specs none of whose figures reads the test split
     *                    during training (last.test_*, best.test_*): scoring it there is work no table uses
     *                    (its share of a run's wall time: results/benchmarks/pipeline-share.md, evaluation column).
     *                    It changes no trained weight: scoring runs in inference mode and draws no random numbers.
     *                    Null or true: scored at each evaluation
     */
    public record Budget(Integer epochs, Integer steps, Integer evalEvery, String trainMetric, Integer trainSubset,
                         EarlyStop earlyStopping, Double stopAtLossRatio,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         Boolean testCurve) {
        /** A budget whose test split is scored at each evaluation. */
        public Budget(Integer epochs, Integer steps, Integer evalEvery, String trainMetric, Integer trainSubset,
                      EarlyStop earlyStopping, Double stopAtLossRatio) {
            this(epochs, steps, evalEvery, trainMetric, trainSubset, earlyStopping, stopAtLossRatio, null);
        }

        /** Whether the test split is scored at each evaluation (else once, after training). */
        public boolean scoresTestCurve() {
            return !Boolean.FALSE.equals(testCurve);
        }

        /** The steps this budget trains, with {@code stepsPerEpoch} minibatches to an epoch (before any early stop). */
        public int totalSteps(int stepsPerEpoch) {
            return epochs != null ? epochs * stepsPerEpoch : steps;
        }

        /** The steps between evaluations: {@code evalEvery}, or one epoch when it is not set. */
        public int evalInterval(int stepsPerEpoch) {
            return evalEvery != null ? evalEvery : stepsPerEpoch;
        }
    }

    /**
     * Stop when validation accuracy has not improved by more than {@code minDelta} for {@code patience} evaluations,
     * then restore the best evaluation's weights (report 000 §4c: patience 5, min delta 1e-4).
     */
    public record EarlyStop(int patience, double minDelta) {}

    /**
     * @param source       where the figures come from in the report
     * @param toleranceWhy why the tolerances are what they are
     * @param figures      the figures, each mapped to a measured metric
     */
    public record Reference(String source, String toleranceWhy, List<Figure> figures) {}

    /**
     * @param name      human name of the figure
     * @param metric    the measured metric it is compared with (see dl4jrepro.base.Metrics)
     * @param report    the report's value, or null where the report gives none
     * @param tolerance allowed absolute difference from {@code report}
     * @param atLeast   a floor the figure must reach (for experiments with no report figure)
     * @param note      shown beside the row: why a miss is a miss, or what the comparison means
     * @param spread    instead of a typed {@code tolerance}: the experiment whose repeats over seeds measure this
     *                  figure's spread; the tolerance is then {@link Spread#Z} × their sd plus the report's rounding
     * @param ablation  the id of the experiment that explains a miss of this figure (an ablation's own id on its
     *                  rows: each variant held against the report is part of the explanation)
     * @param batchSpread instead of a typed {@code tolerance}, for a one-minibatch figure of a single run: the run's own
     *                  final metric holding that figure's sd from one minibatch to the next (e.g.
     *                  {@code final.batch_acc_sd}); the tolerance is then {@link Spread#Z} × it plus the report's rounding
     * @param reportDecimals the decimals of {@code report} as the report prints it, where a JSON number drops trailing
     *                  zeros (10.0 % is 0.100: 3); null reads them off the number
     */
    public record Figure(String name, String metric, Double report, Double tolerance, Double atLeast, Double atMost,
                         String note, Spread spread, String ablation, String batchSpread, Integer reportDecimals) {

        /** Half a unit of the report value's last printed digit: 0.3391 (printed 33.91 %) carries ±0.00005. */
        public double reportRounding() {
            if (report == null) return 0;
            int decimals = reportDecimals != null ? reportDecimals
                    : java.math.BigDecimal.valueOf(report).stripTrailingZeros().scale();
            return 0.5 * Math.pow(10, -decimals);
        }
    }

    /**
     * Where a figure's tolerance comes from: the experiment that repeats its configuration over seeds
     * ({@code experiment}, an id), and the metric of each repeat whose spread counts ({@code metric}, e.g.
     * {@code last.val_acc}, or with a filter picking one configuration of several, {@code best.test_acc |
     * hidden=[400,400,400]}).
     */
    public record Spread(String experiment, String metric) {
        /**
         * A reproduced figure and the report's are two single runs of one configuration; their difference has sd √2·σ
         * when one run's sd is σ, and two of those cover about 95 % of such differences.
         */
        public static final double Z = 2 * Math.sqrt(2);
    }

    /**
     * A backpropagation check instead of a training: each of {@code nets} (the spec's network with overrides) is built
     * in double precision and its gradient on the spec's training examples compared with central differences
     * ({@code kind} "gradient") or with the reports' closed forms ("closed-forms", two-layer nets); "layers" also holds
     * every net after the first to the first (another implementation of a layer against DL4J's own: outputs,
     * gradients, running statistics, ModelSerializer round trip). "replay" (dataset toy-000 only) replays report 000's
     * toy run with each net's settings instead: bundled weights and minibatches, no epsilon or maxRelError.
     *
     * @param epsilon          the central difference's step
     * @param maxRelError      an element fails when |analytic − numeric| / max(|analytic|, |numeric|) exceeds this ...
     * @param minAbsoluteError ... and its absolute difference is at least this (DL4J GradientCheckUtil's rule)
     */
    public record Check(String kind, double epsilon, double maxRelError, double minAbsoluteError, List<CheckNet> nets) {}

    /**
     * @param report per parameter ("0_W", "0_b", ...) the report's statistics by name: sum_abs_diff, mean_abs, min_abs,
     *               max_abs (of the analytic gradient) and mean_abs_num, min_abs_num, max_abs_num (of the numeric one)
     */
    public record CheckNet(String label, Map<String, Object> overrides, Map<String, Map<String, Double>> report) {}
}
