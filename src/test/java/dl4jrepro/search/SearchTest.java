package dl4jrepro.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dl4jrepro.cli.CliRun;
import dl4jrepro.cli.Repro;
import dl4jrepro.results.FolderLock;
import dl4jrepro.results.TrialStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search engine on a 16-trial grid of small MNIST nets: divergence, kill and resume, parallel workers. */
class SearchTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int TRIALS = 16;
    @TempDir Path tmp;
    Path experiments;

    @BeforeEach
    void specs() throws IOException {
        experiments = Files.createDirectories(tmp.resolve("experiments"));
        Files.copy(Path.of("src/test/resources/experiments/grid-smoke.json"), experiments.resolve("grid-smoke.json"));
    }

    CliRun run(Path results, String... extra) {
        List<String> args = new ArrayList<>(List.of("--experiments-dir", experiments.toString(), "--results-dir",
                results.toString(), "run", "grid-smoke"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    static String table(Path results) throws IOException {
        return Files.readString(results.resolve("grid-smoke/table.md"));
    }

    static long recorded(Path results) throws IOException {
        Path f = results.resolve("grid-smoke/trials.jsonl");
        return Files.exists(f) ? Files.readAllLines(f).stream().filter(l -> l.endsWith("}")).count() : 0;
    }

    @Test
    void divergingTrialsAreRecordedAndTheOthersFinish() throws IOException {
        Path results = tmp.resolve("a");
        CliRun r = run(results);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode summary = JSON.readTree(results.resolve("grid-smoke/summary.json").toFile());
        assertEquals(TRIALS, summary.get("trials_recorded").asInt());
        int diverged = 0, completed = 0;
        for (JsonNode t : summary.get("trials")) {
            boolean huge = t.at("/overrides/lr").asDouble() > 1;
            assertEquals(huge ? "diverged" : "completed", t.get("status").asText(), t.toString());
            if (huge) diverged++;
            else completed++;
        }
        assertEquals(4, diverged);
        assertEquals(12, completed);
        // Its train figures are one minibatch each and a figure reads their spread: every completed trial records it.
        for (String line : Files.readAllLines(results.resolve("grid-smoke/trials.jsonl"))) {
            JsonNode t = JSON.readTree(line);
            if (!t.get("status").asText().equals("completed")) continue;
            // 200 minibatches of 50 go over the 600 digits many times: their mean loss is the whole split's.
            double sd = t.at("/finalMetrics/batch_loss_sd").asDouble(-1), mean = t.at("/finalMetrics/batch_loss_mean").asDouble(-1);
            double full = t.at("/finalMetrics/train_full_loss").asDouble();
            assertTrue(sd > 0 && Math.abs(mean - full) < 0.05 * full, t.get("finalMetrics").toString());
        }
        // Small nets on 600 digits: the best reaches well above chance; the diverged rows have no accuracy at all.
        assertTrue(summary.at("/figures/0/reproduced").asDouble() > 0.7, summary.at("/figures/0").toString());
        assertTrue(summary.at("/figures/1/reproduced").isNull());
        String table = table(results);
        assertTrue(table.contains("16 of 16 trials** (12 completed, 4 diverged, 0 failed)"), table);
        assertTrue(table.contains("## Repeats over seeds"), table);
        assertTrue(table.contains("| diverged |"), table);
        for (String f : List.of("grid.csv", "heatmap.png", "best-learning-curve.png", "chosen-curves.png", "plan.json")) {
            assertTrue(Files.size(results.resolve("grid-smoke").resolve(f)) > 0, f);
        }
        // A second run finds everything done and changes nothing.
        assertEquals(0, run(results).exitCode());
        assertEquals(TRIALS, recorded(results));
        assertEquals(table, table(results));
    }

    /** Killed with its default two worker processes running. */
    @Test
    void killedSearchResumesToTheSameTable() throws Exception {
        Path uninterrupted = tmp.resolve("whole"), interrupted = tmp.resolve("killed");
        assertEquals(0, run(uninterrupted).exitCode());

        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Repro.class.getName(),
                "--experiments-dir", experiments.toString(), "--results-dir", interrupted.toString(), "run", "grid-smoke")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (recorded(interrupted) < 3 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(20);
        List<ProcessHandle> workers = p.descendants().toList();
        p.destroyForcibly().waitFor();  // SIGKILL: no shutdown hooks, possibly mid-trial or mid-write
        // Its worker processes notice the closed pipe and stop without finishing their trials.
        for (ProcessHandle w : workers) w.onExit().get(30, TimeUnit.SECONDS);
        long before = recorded(interrupted);
        assertTrue(before >= 3 && before < TRIALS, "killed part-way: " + before + " of " + TRIALS
                + " recorded\n" + Files.readString(tmp.resolve("killed.log")));

        CliRun resumed = run(interrupted);
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains(before + " already recorded"), resumed.out());
        assertFalse(resumed.out().contains("other code"), "the same code trained them: " + resumed.out());
        assertEquals(TRIALS, recorded(interrupted), "nothing lost, nothing twice");
        assertEquals(table(uninterrupted), table(interrupted));
    }

    /** Long trials save their progress: a search killed mid-trial continues those trials rather than restarting them. */
    @Test
    void aSearchKilledMidTrialContinuesItsTrialsFromTheirCheckpoints() throws Exception {
        Path uninterrupted = tmp.resolve("whole"), interrupted = tmp.resolve("killed");
        String[] longer = {"--set", "budget.steps=1200", "--parallel", "1"};
        assertEquals(0, run(uninterrupted, longer).exitCode());
        assertFalse(Files.exists(uninterrupted.resolve("grid-smoke/checkpoint")), "no checkpoints left once done");

        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Drepro.checkpointSeconds=0", "-cp", System.getProperty("java.class.path"), Repro.class.getName(),
                "--experiments-dir", experiments.toString(), "--results-dir", interrupted.toString(), "run", "grid-smoke",
                "--set", "budget.steps=1200")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // Waits for a checkpoint of a trial not yet recorded: a recorded trial's checkpoint is about to be dropped.
        while ((recorded(interrupted) < 2 || savedTrials(interrupted) - savedButRecorded(interrupted) == 0)
                && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // Killed as Ctrl-C or a lost machine kills it: the workers too, at once. A worker left to notice its parent's
        // end could finish its trial first and drop the checkpoint this test is about.
        List<ProcessHandle> workers = p.descendants().toList();
        workers.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
        for (ProcessHandle w : workers) w.onExit().get(30, TimeUnit.SECONDS);
        // A worker killed between storing a trial's record and dropping its checkpoint leaves a checkpoint of a
        // finished trial: that one is not continued, it is done.
        long saved = savedTrials(interrupted) - savedButRecorded(interrupted);
        assertTrue(saved >= 1, "killed with a trial's checkpoint on disk\n" + Files.readString(tmp.resolve("killed.log")));

        CliRun resumed = run(interrupted, longer);
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(saved, resumed.out().lines().filter(l -> l.contains("resuming from the checkpoint")).count(), resumed.out());
        assertEquals(TRIALS, recorded(interrupted));
        assertEquals(table(uninterrupted), table(interrupted), "a continued trial ends as the uninterrupted one");
        assertFalse(Files.exists(interrupted.resolve("grid-smoke/checkpoint")), "no checkpoints left once done");
    }

    /** Trials with a checkpoint folder that also have a record. */
    static long savedButRecorded(Path results) throws IOException {
        Path dir = results.resolve("grid-smoke/checkpoint"), trials = results.resolve("grid-smoke/trials.jsonl");
        if (!Files.isDirectory(dir) || !Files.exists(trials)) return 0;
        java.util.Set<String> recorded = new java.util.HashSet<>();
        for (String line : Files.readAllLines(trials)) {
            if (line.endsWith("}")) recorded.add(JSON.readTree(line).get("trialId").asText());
        }
        return trialFolders(dir).stream().filter(t -> recorded.contains(t.getFileName().toString()))
                .filter(SearchTest::holdsState).count();
    }

    /** Trials with a saved checkpoint (a state file in their folder). */
    static long savedTrials(Path results) throws IOException {
        return trialFolders(results.resolve("grid-smoke/checkpoint")).stream().filter(SearchTest::holdsState).count();
    }

    /** The checkpoint folder's trial folders; none once the search has dropped the folder, even as it is listed. */
    static List<Path> trialFolders(Path dir) throws IOException {
        try (var folders = Files.list(dir)) {
            return folders.toList();
        } catch (java.nio.file.NoSuchFileException gone) {
            return List.of();
        }
    }

    static boolean holdsState(Path trialFolder) {
        try (var files = Files.list(trialFolder)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".json"));
        } catch (IOException e) {
            return false;  // deleted as it was listed
        }
    }

    /** Killed at random moments, three times over, then run to the end: the table of an uninterrupted search. */
    @Test
    void aSearchKilledAtRandomMomentsEndsWithTheUninterruptedTable() throws Exception {
        Path uninterrupted = tmp.resolve("whole"), killed = tmp.resolve("killed-often");
        assertEquals(0, run(uninterrupted, "--quick").exitCode());
        java.util.Random random = new java.util.Random(5);
        for (int kill = 0; kill < 3; kill++) {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                    System.getProperty("java.class.path"), Repro.class.getName(), "--experiments-dir",
                    experiments.toString(), "--results-dir", killed.toString(), "run", "grid-smoke", "--quick")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("killed-often.log").toFile()).start();
            p.waitFor(1000 + random.nextInt(6000), TimeUnit.MILLISECONDS);
            List<ProcessHandle> workers = p.descendants().toList();
            p.destroyForcibly().waitFor();
            for (ProcessHandle w : workers) w.onExit().get(30, TimeUnit.SECONDS);
        }
        CliRun finished = run(killed, "--quick");
        assertEquals(0, finished.exitCode(), finished.err());
        assertEquals(Files.readString(uninterrupted.resolve("grid-smoke/quick/table.md")),
                Files.readString(killed.resolve("grid-smoke/quick/table.md")));
    }

    /** Worker processes lost mid-search leave trials unrecorded: the search says so and exits 4, not 3. */
    @Test
    void aSearchThatLosesAWorkerExitsPartial() throws Exception {
        Path results = tmp.resolve("lost");
        java.util.concurrent.CompletableFuture<CliRun> search =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> run(results, "--parallel", "2"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (recorded(results) < 1 && System.nanoTime() < deadline) Thread.sleep(20);
        // The workers are child JVMs (other children come and go: git, asked for the code's commit). Both go: a worker
        // killed between recording a trial and reporting it loses nothing, so only losing them all is sure to leave
        // trials unrecorded.
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<ProcessHandle> workers = ProcessHandle.current().children()
                .filter(h -> h.isAlive() && h.info().command().orElse("").equals(java)).toList();
        assertEquals(2, workers.size());
        workers.forEach(ProcessHandle::destroyForcibly);
        CliRun r = search.get(180, TimeUnit.SECONDS);
        assertEquals(4, r.exitCode(), r.out());
        assertTrue(r.out().contains("a worker stopped during trial"), r.out());
        assertTrue(recorded(results) < TRIALS);
    }

    /** Trial indices in the order their records were written. */
    static List<Integer> recordOrder(Path trials) throws IOException {
        List<Integer> order = new ArrayList<>();
        for (String line : Files.readAllLines(trials)) order.add(JSON.readTree(line).get("trialIndex").asInt());
        return order;
    }

    @Test
    void editingTheSpecMakesItsStoredTrialsStale() throws IOException {
        Path results = tmp.resolve("edited");
        assertEquals(0, run(results, "--quick", "--parallel", "1").exitCode());
        Path trials = results.resolve("grid-smoke/quick/trials.jsonl");
        List<Integer> firstOrder = recordOrder(trials);
        Path spec = experiments.resolve("grid-smoke.json");
        Files.writeString(spec, Files.readString(spec).replace("\"batch\": 50", "\"batch\": 40"));
        CliRun again = run(results, "--quick", "--parallel", "1");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("0 already recorded, 16 to run"), again.out());
        assertTrue(again.out().contains("16 stored trials were trained with an earlier version"), again.out());
        assertTrue(again.out().contains("16 stale records (an earlier spec or data, or a trial trained again) moved to "
                + TrialStore.STALE), again.out());
        assertEquals(firstOrder, recordOrder(trials.resolveSibling(TrialStore.STALE)), "the earlier records, kept aside");
        // Trials run in a seeded random order (a stopped search holds an even sample of its grid), the same each time.
        List<Integer> secondOrder = recordOrder(trials);
        assertEquals(TRIALS, secondOrder.size(), "the file holds what the table shows");
        assertEquals(firstOrder, secondOrder);
        assertTrue(!firstOrder.equals(firstOrder.stream().sorted().toList()), "not the grid's order: " + firstOrder);
        JsonNode summary = JSON.readTree(results.resolve("grid-smoke/quick/summary.json").toFile());
        assertEquals(TRIALS, summary.get("trials_recorded").asInt(), "the table counts each trial once, the new record");
    }

    /**
     * Trials that scored the test split at each evaluation serve a spec that leaves it to the end (scoring changes no
     * weight); trials without those scores do not serve a spec that asks for them.
     */
    @Test
    void aTestCurveLeftToTheEndKeepsTrialsThatScoredItButNotTheReverse() throws IOException {
        Path results = tmp.resolve("test-curve");
        assertEquals(0, run(results, "--quick", "--parallel", "1").exitCode());
        Path spec = experiments.resolve("grid-smoke.json");
        String withCurve = Files.readString(spec);
        String quickWithout = "\"evalEvery\": 12,\n    \"trainMetric\": \"last-batch\",\n    \"testCurve\": false";
        Files.writeString(spec, withCurve.replace("\"evalEvery\": 12,\n    \"trainMetric\": \"last-batch\"", quickWithout));
        assertTrue(Files.readString(spec).contains("testCurve"), "fixture text present");
        CliRun without = run(results, "--quick", "--parallel", "1");
        assertEquals(0, without.exitCode(), without.err());
        assertTrue(without.out().contains("16 already recorded, 0 to run"), without.out());

        Path fresh = tmp.resolve("test-curve-fresh");
        assertEquals(0, run(fresh, "--quick", "--parallel", "1").exitCode());
        JsonNode first = JSON.readTree(Files.readAllLines(fresh.resolve("grid-smoke/quick/trials.jsonl")).get(0));
        assertFalse(first.get("budget").get("testCurve").asBoolean(true), "the record says its test split was left to the end");
        assertTrue(Double.isNaN(first.get("curve").get(0).get("testAcc").asDouble(0)), first.get("curve").toString());
        Files.writeString(spec, withCurve);
        CliRun asked = run(fresh, "--quick", "--parallel", "1");
        assertEquals(0, asked.exitCode(), asked.err());
        assertTrue(asked.out().contains("0 already recorded, 16 to run"), asked.out());
    }

    /**
     * The whole training split is scored after training only where the spec reads it; a trial made while no figure or
     * column read it trains again once one does, rather than leaving that figure without values.
     */
    @Test
    void theTrainingSplitIsScoredWhereTheSpecReadsItAndTrialsWithoutItTrainAgain() throws IOException {
        Path results = tmp.resolve("train-full");
        Path spec = experiments.resolve("grid-smoke.json");
        String reading = Files.readString(spec);
        assertTrue(reading.contains("final.train_full_acc"), "fixture text present");
        Files.writeString(spec, reading.replace("final.train_full_acc", "final.test_acc"));
        assertEquals(0, run(results, "--quick", "--parallel", "1").exitCode());
        Path trials = results.resolve("grid-smoke/quick/trials.jsonl");
        for (String line : Files.readAllLines(trials)) {
            JsonNode finals = JSON.readTree(line).get("finalMetrics");
            assertFalse(finals.has("train_full_acc") || finals.has("train_full_loss"), finals.toString());
        }
        assertTrue(JSON.readTree(Files.readAllLines(trials).get(0)).at("/finalMetrics/test_acc").isNumber());

        Files.writeString(spec, reading);
        CliRun asked = run(results, "--quick", "--parallel", "1");
        assertEquals(0, asked.exitCode(), asked.err());
        // The diverged trials are kept: nothing is scored after a diverged one.
        assertTrue(asked.out().contains("12 stored trials were trained with an earlier version of the spec (other data "
                + "settings, hyperparameters or budget, or without final scores it now reads)"), asked.out());
        assertTrue(asked.out().contains("4 already recorded, 12 to run"), asked.out());
        int completed = 0;
        for (String line : Files.readAllLines(trials)) {
            JsonNode t = JSON.readTree(line);
            if (!t.get("status").asText().equals("completed")) continue;
            completed++;
            assertTrue(t.at("/finalMetrics/train_full_acc").asDouble(-1) > 0, t.get("finalMetrics").toString());
        }
        assertEquals(12, completed);
    }

    /** Trials another commit trained are kept on a resume, and the resume says so, with the commits and counts. */
    @Test
    void resumingOverTrialsOfOtherCodeSaysWhichCodeTrainedThem() throws IOException {
        Path results = tmp.resolve("other-code");
        assertEquals(0, run(results, "--quick", "--parallel", "1").exitCode());
        Path trials = results.resolve("grid-smoke/quick/trials.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(trials));
        for (int i = 0; i < 2; i++) {
            ObjectNode r = (ObjectNode) JSON.readTree(lines.get(i));
            ((ObjectNode) r.get("software")).put("git_commit", "0123456789abcdef0123");
            lines.set(i, JSON.writeValueAsString(r));
        }
        Files.write(trials, lines);
        CliRun again = run(results, "--quick", "--parallel", "1");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("16 already recorded, 0 to run"), again.out());
        assertTrue(again.out().contains("kept recorded trials trained by other code (git 0123456: 2 trials)"), again.out());
        assertTrue(Files.readString(results.resolve("grid-smoke/quick/table.md")).contains("0123456789abcdef0123"));
    }

    @Test
    void secondRunOfTheSameSearchIsRefusedWhileTheFirstHoldsIt() throws IOException {
        Path results = tmp.resolve("locked");
        try (FolderLock held = new FolderLock(results.resolve("grid-smoke/quick"), "grid-smoke")) {
            CliRun r = run(results, "--quick");
            assertEquals(2, r.exitCode());
            assertTrue(r.err().contains("another run of grid-smoke is writing to"), r.err());
        }
        assertEquals(0, recorded(results));
    }

    @Test
    void parallelWorkersGiveTheSameTable() throws IOException {
        Path serial = tmp.resolve("serial"), parallel = tmp.resolve("parallel");
        assertEquals(0, run(serial, "--quick", "--parallel", "1").exitCode());
        CliRun r = run(parallel, "--quick", "--parallel", "2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("in 2 worker processes"), r.out());
        assertEquals(Files.readString(serial.resolve("grid-smoke/quick/table.md")),
                Files.readString(parallel.resolve("grid-smoke/quick/table.md")));
    }

    /** 100 (x, y) points of a smooth curve, one value changed by {@code nudge}. */
    static void points(Path file, double nudge) throws IOException {
        StringBuilder csv = new StringBuilder("x,y\n");
        for (int i = 0; i < 100; i++) {
            double x = -5 + i * 0.1;
            csv.append(x).append(',').append(Math.sin(x) + (i == 50 ? nudge : 0)).append('\n');
        }
        Files.writeString(file, csv);
    }

    @Test
    void otherDataUnderTheSameNameMakesStoredTrialsStaleAndARecordWithoutStatusIsTrainedAgain() throws IOException {
        Path results = tmp.resolve("data"), train = tmp.resolve("train.csv"), test = tmp.resolve("test.csv");
        points(train, 0);
        points(test, 0);
        String[] args = {"--results-dir", results.toString(), "run", "regression-selu-003-random", "--quick",
                "--parallel", "1", "--set", "data.csv=" + train + "," + test};
        assertEquals(0, CliRun.of(args).exitCode());
        CliRun same = CliRun.of(args);
        assertTrue(same.out().contains("3 already recorded, 0 to run"), same.out());

        points(train, 0.01);  // one training point moved: the same file name, other data
        CliRun other = CliRun.of(args);
        assertEquals(0, other.exitCode(), other.err());
        assertTrue(other.out().contains("3 stored trials were trained on other data (checksum ["), other.out());
        assertTrue(other.out().contains("0 already recorded, 3 to run"), other.out());
        Path dir = results.resolve("regression-selu-003/random/quick");
        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        assertEquals(3, summary.get("trials_recorded").asInt());
        assertTrue(Files.readString(dir.resolve("table.md")).contains(", checksum "), "one data set in the table");

        // A record whose status was lost (a hand edit, a bad disk) is trained again, not a crash.
        Path trials = dir.resolve("trials.jsonl");
        List<String> lines = Files.readAllLines(trials);
        String last = lines.get(lines.size() - 1).replaceFirst("\"status\" ?: ?\"completed\"", "\"status\":null");
        lines.set(lines.size() - 1, last);
        Files.write(trials, lines);
        CliRun damaged = CliRun.of(args);
        assertEquals(0, damaged.exitCode(), damaged.err());
        assertTrue(damaged.out().contains("2 already recorded, 1 to run"), damaged.out());
    }

    @Test
    void damagedTrialLinesAreSetAsideAndTheirTrialsRunAgain() throws IOException {
        Path results = tmp.resolve("damaged");
        assertEquals(0, run(results, "--quick", "--parallel", "1").exitCode());
        Path trials = results.resolve("grid-smoke/quick/trials.jsonl");
        List<String> lines = Files.readAllLines(trials);
        lines.set(2, lines.get(2).substring(0, 40));  // a record cut in the middle
        Files.write(trials, lines);
        CliRun table = CliRun.of("--experiments-dir", experiments.toString(), "--results-dir", results.toString(),
                "table", "grid-smoke", "--quick");
        assertEquals(0, table.exitCode(), table.err());
        CliRun again = run(results, "--quick", "--parallel", "1");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("1 unreadable line of " + trials), again.out());
        assertTrue(again.out().contains("15 already recorded, 1 to run"), again.out());
        try (var files = Files.list(trials.getParent())) {
            assertEquals(1, files.filter(f -> f.getFileName().toString().startsWith("trials.jsonl.damaged-")).count());
        }
        Files.writeString(trials, "garbage\nmore garbage\n");
        CliRun none = CliRun.of("--experiments-dir", experiments.toString(), "--results-dir", results.toString(),
                "table", "grid-smoke", "--quick");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("has no readable trial record (2 damaged lines)"), none.err());
    }

    @Test
    void workersRecordTheUsersCommandAndAreNoMoreThanTheTrials() throws IOException {
        Path results = tmp.resolve("pool");
        CliRun r = CliRun.of("--results-dir", results.toString(), "run", "regression-selu-003-random", "--quick",
                "--parallel", "5");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("3 to run in 3 worker processes"), r.out());
        for (String line : Files.readAllLines(results.resolve("regression-selu-003/random/quick/trials.jsonl"))) {
            String command = JSON.readTree(line).get("command").asText();
            assertTrue(command.startsWith("--results-dir") && command.contains("run regression-selu-003-random")
                    && !command.contains("worker"), command);
        }
    }
}
