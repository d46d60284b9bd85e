package dl4jrepro.search;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.base.UserError;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.families.Families;
import dl4jrepro.results.FolderLock;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.results.RunRecord;
import dl4jrepro.results.TrialStore;
import dl4jrepro.run.Provenance;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.run.RunRequest;
import dl4jrepro.run.TrialRunner;
import dl4jrepro.search.TrialPlan.Trial;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.train.Checkpoint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs every trial of a search that has no record yet (in a seeded random order), appending each to the
 * {@link TrialStore} as it finishes, then writes the search's table. Interrupted at any point, the next {@code run}
 * picks up where this one stopped. A {@link TrialExecutor} decides where the trials run: in this process, in worker
 * processes ({@code --parallel k > 1}: one JVM each, as DL4J's off-heap memory has a history of trouble with several
 * networks in one JVM), or as Spark tasks ({@code --spark}).
 */
public final class SearchRunner {
    /**
     * Two worker processes of one thread each ran 1.24× the trials per hour of one trial on both cores
     * (results/benchmarks/parallel-trials.md, this 2-core machine).
     */
    public static final int DEFAULT_PARALLEL = 2;
    /** The folder of the trials' checkpoints, one sub-folder per trial id (a single run's is this folder itself). */
    static final String CHECKPOINTS = "checkpoint";

    private final ResultsStore results;
    private final PrintStream out;

    public SearchRunner(ResultsStore results, PrintStream out) {
        this.results = results;
        this.out = out;
    }

    /** The plan of a request; every configuration is checked before anything runs. */
    public static List<Trial> plan(ExperimentSpec spec, RunRequest request) {
        long baseSeed = request.seed() != null ? request.seed() : spec.seed();
        if (spec.search().grid() != null) {
            for (String key : request.overrides().keySet()) {
                if (spec.search().grid().containsKey(key)) {
                    throw new UserError("--set " + key + ": " + key + " is an axis of " + spec.id()
                            + "'s grid; run a single configuration of it by editing a copy of the spec");
                }
            }
        }
        List<Trial> trials = TrialPlan.expand(spec, request.quick(), request.overrides(), baseSeed);
        for (Trial t : trials) {
            try {
                TrialRunner.validate(ResolvedConfig.of(spec, request.quick(), t.overrides()));
            } catch (UserError e) {
                throw new UserError("trial " + (t.index() + 1) + " " + t.overrides() + ": " + e.getMessage());
            }
        }
        return trials;
    }

    /** Runs the search's trials on this machine, {@code parallel} at a time ({@link LocalTrials}). */
    public String run(ExperimentSpec spec, RunRequest request, int parallel) throws IOException {
        return run(spec, request, new LocalTrials(parallel));
    }

    /**
     * @param executor where the pending trials run; every finished one is in the store before the next finishes
     * @return "completed" when every trial has a record (diverged and failed ones included)
     */
    public String run(ExperimentSpec spec, RunRequest request, TrialExecutor executor) throws IOException {
        List<Trial> plan = plan(spec, request);
        executor.check(request);
        SpeedupSetting speedups = request.speedupsFor(spec);
        BackendInfo backend = BackendSelector.select(request.backend(), request.threads(), denseOnly(spec));
        DatasetRepository data = new DatasetRepository(DataLocations.resolve(request.dataDir()));
        // Missing or corrupt data fails here, before the results folder exists.
        if (spec.data().isOneDimensional()) data.prepare(spec.data(), spec.seed());
        else data.raw(spec.data().dataset());

        Path dir = results.dir(spec, request.quick());
        try (FolderLock ignored = new FolderLock(dir, spec.id())) {
            TrialStore store = new TrialStore(dir);
            store.setAsideDamaged(line -> out.println("[" + spec.id() + "] " + line));
            SearchTable.savePlan(dir, plan);
            Map<String, RunRecord> stored = store.load();
            Function<ResolvedConfig, String> checksum = c -> data.checksum(c.spec().data(), c.spec().seed());
            Map<String, RunRecord> done = current(spec, plan, stored, request.quick(), checksum);
            Map<String, RunRecord> sameSpec = current(spec, plan, stored, request.quick(), null);
            long otherData = sameSpec.size() - done.size();
            long stale = plan.stream().filter(t -> stored.containsKey(t.id()) && !sameSpec.containsKey(t.id())).count();
            if (otherData > 0) {
                out.println("[" + spec.id() + "] " + otherData + " stored trials were trained on other data (checksum "
                        + sameSpec.values().stream().filter(r -> !done.containsKey(r.trialId()))
                                .map(r -> String.valueOf(r.data().get("checksum"))).distinct().toList()
                        + ", now " + checksum.apply(ResolvedConfig.of(spec, request.quick(), Map.of())) + "): they run again");
            }
            if (stale > 0) {
                out.println("[" + spec.id() + "] " + stale + " stored trials were trained with an earlier version of the "
                        + "spec (other data settings, hyperparameters or budget, or without final scores it now reads) or "
                        + "are damaged: they run again");
            }
            String otherCode = otherCode(done.values(), String.valueOf(Provenance.software().get("git_commit")));
            if (!otherCode.isEmpty()) {
                // Kept, as after any stop; said aloud because a timing or a check of new code would mix in the old.
                out.println("[" + spec.id() + "] kept recorded trials trained by other code (" + otherCode + "); the "
                        + "table lists every commit. To train them all with this code, start in an empty --results-dir");
            }
            List<Trial> pending = new ArrayList<>();
            for (Trial t : plan) {
                if (!done.containsKey(t.id())) pending.add(t);
                // A worker stopped between storing a trial and dropping its checkpoint left one behind: the trial is done.
                else if (!request.quick()) dropCheckpoint(dir, t);
            }
            // Seeded random order, not the grid's: a search stopped after k of n trials (they take hours) then holds
            // an even sample of the grid for its partial table and heat map, and the ETA averages cheap and costly
            // corners instead of extrapolating from the first rows.
            Collections.shuffle(pending, new Random(spec.seed()));
            Deque<Trial> todo = new ArrayDeque<>(pending);
            out.println(String.format(Locale.ROOT, "[%s] search: %d trials, %d already recorded, %d to run%s; %s",
                    spec.id(), plan.size(), plan.size() - todo.size(), todo.size(), executor.describe(todo.size()),
                    backend.oneLine()));
            Progress progress = new Progress(spec.id(), plan.size(), done.values(), todo.size());
            executor.runAll(new SearchWork(spec, request, plan, todo, dir, store, data, backend, speedups, progress, out));
            List<RunRecord> all = new ArrayList<>(current(spec, plan, store.load(), request.quick(), checksum).values());
            if (all.size() == plan.size()) {
                int moved = store.moveStaleAside(all.stream().map(RunRecord::trialId).collect(Collectors.toSet()));
                if (moved > 0) {
                    out.println("[" + spec.id() + "] " + moved + " stale records (an earlier spec or data, or a trial "
                            + "trained again) moved to " + TrialStore.STALE + "; " + TrialStore.FILE + " holds what the "
                            + "table shows");
                }
            }
            SearchTable.write(spec, plan, all, dir, request.quick(), request.resultsDir());
            out.println("[" + spec.id() + "] " + all.size() + " of " + plan.size() + " trials recorded; table in "
                    + dir.resolve("table.md"));
            return all.size() == plan.size() ? "completed" : "partial";
        }
    }

    /**
     * The stored records of the plan's trials that were trained with the spec as it is now and hold the scores it
     * reads, by trial id.
     *
     * @param dataChecksum the checksum of each configuration's data now, or null not to compare data
     */
    public static Map<String, RunRecord> current(ExperimentSpec spec, List<Trial> plan, Map<String, RunRecord> stored,
                                                 boolean quick, Function<ResolvedConfig, String> dataChecksum) {
        Map<String, RunRecord> current = new LinkedHashMap<>();
        for (Trial t : plan) {
            RunRecord r = stored.get(t.id());
            ResolvedConfig config = ResolvedConfig.of(spec, quick, t.overrides());
            if (r != null && TrialRunner.trainedWith(r, config, dataChecksum == null ? null : dataChecksum.apply(config))
                    && TrialRunner.holdsScoresRead(r, config)) {
                current.put(t.id(), r);
            }
        }
        return current;
    }

    /**
     * Where a trial saves its progress: a long trial (a CNN's takes hours) stopped midway continues from there on the
     * next {@code run}; short ones finish before their first save is due. Quick runs keep none.
     */
    static Path checkpointOf(Path dir, Trial t, boolean quick) {
        return quick ? null : dir.resolve(CHECKPOINTS).resolve(t.id());
    }

    /** The commits other than {@code head} that trained {@code records}, with counts ("git 27de4ca: 88 trials"), or "". */
    static String otherCode(Collection<RunRecord> records, String head) {
        Map<String, Long> byCommit = records.stream().map(r -> String.valueOf(r.software().get("git_commit")))
                .filter(c -> !c.equals(head))
                .collect(Collectors.groupingBy(c -> c.substring(0, Math.min(7, c.length())), TreeMap::new, Collectors.counting()));
        return byCommit.entrySet().stream()
                .map(e -> "git " + e.getKey() + ": " + e.getValue() + (e.getValue() == 1 ? " trial" : " trials"))
                .collect(Collectors.joining(", "));
    }

    /** Removes a trial's checkpoint once its record is stored, and the checkpoints folder once it is empty. */
    static void dropCheckpoint(Path dir, Trial t) throws IOException {
        Path all = dir.resolve(CHECKPOINTS);
        Checkpoint.delete(all.resolve(t.id()));
        if (Files.isDirectory(all)) {
            try (var left = Files.list(all)) {
                if (left.findAny().isEmpty()) Files.deleteIfExists(all);
            } catch (IOException e) {
                // another worker is using it: it goes when its last trial is stored
            }
        }
    }

    /**
     * Runs one trial; an exception inside it becomes a "failed" record so the search goes on.
     *
     * @param checkpoint where the trial saves its progress, or null for none
     */
    public static RunRecord runTrial(TrialRunner runner, ExperimentSpec spec, RunRequest request, Trial t, int total,
                                     Path checkpoint) {
        String label = spec.id() + " #" + (t.index() + 1) + "/" + total;
        ResolvedConfig config = ResolvedConfig.of(spec, request.quick(), t.overrides());
        try {
            return runner.train(config, t.seed(), t.overrides(), request.command(), label, t.index(), t.id(),
                    request.quick(), checkpoint).record();
        } catch (RuntimeException e) {
            return failedRecord(spec, request, t, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * Runs one trial on this machine with its checkpoint in the search's folder, appends its record to the store and
     * then drops the checkpoint: in that order, so a stop between the two loses nothing.
     */
    static RunRecord runAndStore(TrialRunner runner, ExperimentSpec spec, RunRequest request, Trial t, int total, Path dir,
                                 TrialStore store) throws IOException {
        RunRecord r = runTrial(runner, spec, request, t, total, checkpointOf(dir, t, request.quick()));
        store.append(r);
        dropCheckpoint(dir, t);
        return r;
    }

    /** The record of a trial that could not run, saying why. */
    public static RunRecord failedRecord(ExperimentSpec spec, RunRequest request, Trial t, String why) {
        ResolvedConfig config = ResolvedConfig.of(spec, request.quick(), t.overrides());
        return RunRecord.builder().experiment(spec.id()).catalogue(spec.catalogue()).title(spec.title())
                .family(spec.family()).status("failed").failure(why).quick(request.quick()).command(request.command())
                .trialIndex(t.index()).trialId(t.id()).seed(t.seed()).overrides(t.overrides())
                .hyperparameters(config.hyperparameters().asMap()).budget(Map.of()).data(Map.of()).backend(Map.of())
                .speedups(request.speedupsFor(spec).toString()).substitutions(List.of())
                .software(Provenance.software()).curve(List.of()).finalMetrics(Map.of())
                .build();
    }

    /** Whether the search trains MLPs only: the backend picks its BLAS for them. */
    private static boolean denseOnly(ExperimentSpec spec) {
        return Families.byName(spec.family()).denseOnly();
    }

    /**
     * The worker side of {@code --parallel}: reads "trial INDEX" lines, runs each trial, appends it to the store and
     * answers "done INDEX STATUS WALL VAL". When its input ends (the coordinator finished, or was killed) the worker
     * stops at once, even mid-trial: an unfinished trial has no record and runs again on the next {@code run}.
     */
    public static void serveWorker(ExperimentSpec spec, RunRequest request, InputStream in, PrintStream reply,
                                   PrintStream log) throws IOException, InterruptedException {
        List<Trial> plan = plan(spec, request);
        BackendInfo backend = BackendSelector.select(request.backend(), request.threads(), denseOnly(spec));
        TrialRunner runner = new TrialRunner(backend, request.speedupsFor(spec),
                new DatasetRepository(DataLocations.resolve(request.dataDir())), log, request.ui());
        Path dir = new ResultsStore(request.resultsDir()).dir(spec, request.quick());
        TrialStore store = new TrialStore(dir);
        BlockingQueue<Integer> work = new LinkedBlockingQueue<>();
        Thread listener = new Thread(() -> {
            try (BufferedReader commands = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = commands.readLine()) != null; ) {
                    if (line.startsWith("trial ")) work.add(Integer.parseInt(line.substring("trial ".length()).trim()));
                }
            } catch (IOException e) {
                // the coordinator is gone either way
            }
            Runtime.getRuntime().halt(0);
        }, "coordinator-listener");
        listener.setDaemon(true);
        listener.start();
        while (true) {
            Trial t = plan.get(work.take());
            RunRecord r = runAndStore(runner, spec, request, t, plan.size(), dir, store);
            reply.println("done " + t.index() + " " + r.status() + " " + r.wallSeconds() + " " + r.metric("last.val_acc"));
            reply.flush();
        }
    }
}
