package dl4jrepro.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.results.RunRecord;
import dl4jrepro.search.SearchRunner;
import dl4jrepro.search.TrialPlan;
import dl4jrepro.results.TrialStore;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.train.Checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * What reproducing the whole catalogue at full budget costs on this machine, read from results already made (it trains
 * nothing): a single run's or a check's wall time, a search's trial wall times summed. Work not finished is projected
 * and marked so: a search from its finished trials (they run in a seeded random order, so they are a fair sample), a
 * single run from its last checkpoint.
 *
 * <p>The committed results were made over weeks, many of them by code since made faster. {@code --rerun DIR} adds a
 * second column from reruns made with today's code ({@code ./repro --results-dir DIR run ID}, stopped at any point),
 * and a total that takes each experiment's rerun where there is one and its committed figure elsewhere.
 *
 * <p>Run: {@code src/bench/run SuiteCost [--rerun DIR]}; writes
 * {@code results/benchmarks/suite-cost.{md,json}}.
 */
public final class SuiteCost {
    /** Issue 8's budget for reproducing the whole catalogue on this machine. */
    static final double TARGET_HOURS = 12;

    /** Searches run as --parallel 2 (two trials at a time on two cores), so their machine time is about half the sum. */
    private static final int PARALLEL = SearchRunner.DEFAULT_PARALLEL;

    /**
     * One experiment's full-budget wall time as read from one results folder.
     *
     * @param hours     NaN when there is nothing to read
     * @param basis     how the figure was got, for the table
     * @param projected whether it extrapolates from part of the work
     * @param commits   the git commits of the code that did the work read
     * @param jobs      the seconds of its independent pieces of work: each trial of a search (measured or projected),
     *                  or the whole of a single run or check
     */
    record Cost(double hours, String basis, boolean projected, Collection<String> commits, double[] jobs) {
        static final Cost NONE = new Cost(Double.NaN, "not run yet", false, List.of(), new double[0]);

        boolean known() {
            return !Double.isNaN(hours);
        }

        /**
         * Hours on {@code workers} one-core workers taking the longest job first, each job onto the least loaded
         * worker (as Spark hands tasks to free cores): at least the longest job, at least the total over the workers.
         */
        double hoursOn(int workers) {
            if (!known()) return Double.NaN;
            double[] load = new double[workers];
            double[] sorted = jobs.clone();
            java.util.Arrays.sort(sorted);
            for (int i = sorted.length - 1; i >= 0; i--) {
                int least = 0;
                for (int w = 1; w < workers; w++) if (load[w] < load[least]) least = w;
                load[least] += sorted[i];
            }
            return java.util.Arrays.stream(load).max().orElse(0) / 3600;
        }
    }

    /** Cluster sizes the table projects each experiment onto. */
    static final int[] WORKERS = {4, 16, 64};

    private SuiteCost() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, SuiteCost::run);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = BenchmarkFiles.options(args, "--rerun DIR (results of reruns with today's code)");
        if (!options.keySet().stream().allMatch("rerun"::equals)) {
            throw new UserError("unknown option in " + options.keySet() + ": the only option is --rerun DIR");
        }
        Path rerunDir = options.containsKey("rerun") ? Path.of(options.get("rerun")) : null;
        if (rerunDir != null && !Files.isDirectory(rerunDir)) {
            throw new UserError("no rerun folder " + rerunDir + ": make one with ./repro --results-dir DIR run ID");
        }
        ResultsStore committed = new ResultsStore(Path.of("results"));
        ResultsStore rerun = rerunDir == null ? null : new ResultsStore(rerunDir);

        List<Map<String, Object>> rows = new ArrayList<>();
        double[] committedTotal = new double[2], currentTotal = new double[2]; // [measured, projected]
        double[] onWorkers = new double[WORKERS.length];
        for (ExperimentSpec spec : new SpecCatalog(Path.of("experiments")).all()) {
            Cost before = cost(spec, committed);
            Cost now = rerun == null ? Cost.NONE : today(before, cost(spec, rerun), SuiteCost::gitAncestor);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", spec.id());
            row.put("catalogue", spec.catalogue() == null ? "–" : spec.catalogue());
            row.put("committed", before);
            add(committedTotal, before);
            for (int w = 0; w < WORKERS.length; w++) if (before.known()) onWorkers[w] += before.hoursOn(WORKERS[w]);
            if (rerun != null) {
                row.put("rerun", now);
                add(currentTotal, now.known() ? now : before);
            }
            rows.add(row);
        }
        Map<String, Object> out = BenchmarkFiles.figures("suite-cost", "full-budget wall time of every catalogue "
                + "experiment on this machine, from the committed results" + (rerun == null ? "" : " and from reruns "
                + "with today's code in " + rerunDir), null);
        out.put("experiments", rows);
        out.put("committed_hours", hours(committedTotal));
        if (rerun != null) out.put("current_code_hours", hours(currentTotal));
        Map<String, Object> clusterHours = new LinkedHashMap<>();
        for (int w = 0; w < WORKERS.length; w++) clusterHours.put(String.valueOf(WORKERS[w]), onWorkers[w]);
        out.put("committed_hours_on_workers", clusterHours);
        BenchmarkFiles.write("suite-cost", out, SuiteCostTable.markdown(rows, committedTotal,
                rerun == null ? null : currentTotal, rerunDir, PARALLEL, TARGET_HOURS, onWorkers));
    }

    /** Measured and projected hours, in that order: Map.of's order changes from one JVM to the next, churning the committed file. */
    private static Map<String, Object> hours(double[] measuredAndProjected) {
        Map<String, Object> hours = new LinkedHashMap<>();
        hours.put("measured", measuredAndProjected[0]);
        hours.put("projected", measuredAndProjected[1]);
        return hours;
    }

    /**
     * Today's code's figure for an experiment: its rerun's, unless the committed figure is a finished measurement made
     * by code that contains every commit of the rerun (a full run committed after the rerun was made): then that one.
     *
     * @param isAncestor whether the first commit is the second or one of its ancestors
     */
    static Cost today(Cost committed, Cost rerun, BiPredicate<String, String> isAncestor) {
        if (!rerun.known() || !committed.known() || committed.projected()) return rerun;
        boolean newer = rerun.commits().stream().allMatch(r -> committed.commits().stream().allMatch(c -> isAncestor.test(r, c)));
        return newer ? new Cost(committed.hours(), committed.basis() + ": the committed run, of code newer than the rerun's",
                false, committed.commits(), committed.jobs()) : rerun;
    }

    private static boolean gitAncestor(String ancestor, String commit) {
        try {
            Process p = new ProcessBuilder("git", "merge-base", "--is-ancestor", ancestor, commit)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void add(double[] total, Cost c) {
        if (c.known()) total[c.projected() ? 1 : 0] += c.hours();
    }

    /** The experiment's full-budget hours as far as {@code store} holds its work. */
    static Cost cost(ExperimentSpec spec, ResultsStore store) throws IOException {
        Path dir = store.dir(spec, false);
        return switch (spec.kind()) {
            case SEARCH -> searchCost(spec, dir);
            case CHECK -> checkCost(dir);
            case RUN -> Files.isRegularFile(dir.resolve(ResultsStore.RUN)) ? runCost(store.load(spec, false))
                    : checkpointCost(spec, dir);
        };
    }

    private static Cost checkCost(Path dir) throws IOException {
        Path check = dir.resolve("check.json");
        if (!Files.isRegularFile(check)) return Cost.NONE;
        JsonNode p = Json.MAPPER.readTree(check.toFile()).path("provenance");
        double seconds = p.path("wall_s").asDouble(Double.NaN);
        return new Cost(seconds / 3600, "measured", false,
                commits(List.of(p.path("software").path("git_commit").asText("unknown"))), new double[] {seconds});
    }

    /** A finished single run: its wall time, and the code of every segment it was continued over. */
    private static Cost runCost(RunRecord run) {
        List<String> segments = new ArrayList<>(List.of(commit(run.software())));
        if (run.software().get(RunRecord.EARLIER_SEGMENTS) instanceof List<?> earlier) {
            for (Object s : earlier) if (s instanceof Map<?, ?> m) segments.add(Objects.toString(m.get("git_commit"), "unknown"));
        }
        return new Cost(run.wallSeconds() / 3600, "measured", false, commits(segments), new double[] {run.wallSeconds()});
    }

    /**
     * A search's hours: its finished trials' wall times, and for the trials still to run the finished ones' mean
     * training and evaluation time plus their median remaining time. The remaining time (data preparation, set-up) is
     * mostly paid by each worker's first trial, so a mean would project a stopped search's few trials far too high.
     */
    private static Cost searchCost(ExperimentSpec spec, Path dir) {
        List<TrialPlan.Trial> plan = TrialPlan.expand(spec, false, Map.of(), spec.seed());
        Map<String, RunRecord> done = SearchRunner.current(spec, plan, new TrialStore(dir).load(), false, null);
        if (done.isEmpty()) return Cost.NONE;
        double seconds = done.values().stream().mapToDouble(RunRecord::wallSeconds).sum();
        double compute = done.values().stream().mapToDouble(r -> r.trainSeconds() + r.evalSeconds()).average().orElse(0);
        double[] rest = done.values().stream().mapToDouble(r -> Math.max(0, r.wallSeconds() - r.trainSeconds() - r.evalSeconds()))
                .sorted().toArray();
        double medianRest = (rest[(rest.length - 1) / 2] + rest[rest.length / 2]) / 2;
        double hours = (seconds + (plan.size() - done.size()) * (compute + medianRest)) / PARALLEL / 3600;
        List<String> commits = done.values().stream().map(r -> commit(r.software())).toList();
        double[] jobs = new double[plan.size()];
        int i = 0;
        for (RunRecord r : done.values()) jobs[i++] = r.wallSeconds();
        while (i < jobs.length) jobs[i++] = compute + medianRest;
        return done.size() == plan.size()
                ? new Cost(hours, "measured: " + plan.size() + " trials, sum of trial times / " + PARALLEL, false, commits(commits), jobs)
                : new Cost(hours, "PROJECTED from " + done.size() + " of " + plan.size() + " trials", true, commits(commits), jobs);
    }

    /** A single run stopped part-way: its last checkpoint's wall time, scaled by the share of the budget it covers. */
    private static Cost checkpointCost(ExperimentSpec spec, Path dir) throws IOException {
        Path state = dir.resolve("checkpoint").resolve("state.json");
        if (!Files.isRegularFile(state)) return Cost.NONE;
        Checkpoint.State s = Json.MAPPER.readValue(state.toFile(), Checkpoint.State.class);
        ExperimentSpec.Budget budget = spec.budget();
        if (s.curve().isEmpty() || (budget.epochs() == null && budget.steps() == null)) return Cost.NONE;
        CurvePoint last = s.curve().get(s.curve().size() - 1);
        boolean steps = budget.steps() != null;
        double share = steps ? (double) last.step() / budget.steps() : last.epoch() / budget.epochs();
        double seconds = s.wallSecondsSoFar() / share;
        return new Cost(seconds / 3600, String.format(Locale.ROOT,
                "PROJECTED from its checkpoint after %.0f of %d %s", steps ? last.step() : last.epoch(),
                steps ? budget.steps() : budget.epochs(), steps ? "steps" : "epochs"), true,
                commits(List.of(s.software() == null ? "unknown" : commit(s.software()))), new double[] {seconds});
    }

    private static String commit(Map<String, Object> software) {
        return Objects.toString(software.get("git_commit"), "unknown");
    }

    private static Collection<String> commits(List<String> full) {
        TreeSet<String> shortened = new TreeSet<>();
        for (String c : full) shortened.add(c.length() >= 7 && c.matches("[0-9a-f]+") ? c.substring(0, 7) : c);
        return shortened;
    }
}
