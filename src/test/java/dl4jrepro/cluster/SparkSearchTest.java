package dl4jrepro.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dl4jrepro.base.Metrics;
import dl4jrepro.cli.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A search run as Spark tasks on a real {@code local[2]} master (two tasks at a time in this JVM, the MNIST files
 * shipped through Spark) gives the table and the per-trial figures of the same search run locally, and a Spark run
 * after a stopped one trains only the trials without a record.
 */
class SparkSearchTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path tmp;
    static Path experiments;
    /** The search run locally, in this process: what every Spark run is held against. */
    static Path local;

    @BeforeAll
    static void localReference() throws IOException {
        System.setProperty("spark.ui.enabled", "false");  // no web server (and port) per test run
        experiments = Files.createDirectories(tmp.resolve("experiments"));
        Files.copy(Path.of("src/test/resources/experiments/grid-smoke.json"), experiments.resolve("grid-smoke.json"));
        local = tmp.resolve("local");
        CliRun l = run(local, "--parallel", "1");
        assertEquals(0, l.exitCode(), l.err());
    }

    static CliRun run(Path results, String... extra) {
        List<String> args = new ArrayList<>(List.of("--experiments-dir", experiments.toString(), "--results-dir",
                results.toString(), "run", "grid-smoke"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** Each trial's record by trial id. */
    static Map<String, JsonNode> trials(Path results) throws IOException {
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (String line : Files.readAllLines(results.resolve("grid-smoke/trials.jsonl"))) {
            JsonNode t = JSON.readTree(line);
            byId.put(t.get("trialId").asText(), t);
        }
        return byId;
    }

    /** The figures of a record's metrics or curve point, without how long they took. */
    static JsonNode withoutTimes(JsonNode figures) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = figures.deepCopy();
        copy.remove("seconds");
        copy.remove(Metrics.FINAL_TIMES);
        return copy;
    }

    @Test
    void aSearchOnSparkGivesTheLocalTable() throws IOException {
        Path spark = tmp.resolve("spark");
        CliRun s = run(spark, "--spark", "local[2]");
        assertEquals(0, s.exitCode(), s.out() + s.err());
        assertTrue(s.out().contains("to run as Spark tasks on local[2]"), s.out());

        assertEquals(Files.readString(local.resolve("grid-smoke/table.md")),
                Files.readString(spark.resolve("grid-smoke/table.md")));
        Map<String, JsonNode> a = trials(local), b = trials(spark);
        assertEquals(a.keySet(), b.keySet());
        for (String id : a.keySet()) {
            JsonNode x = a.get(id), y = b.get(id);
            assertEquals(x.get("overrides"), y.get("overrides"), id);
            assertEquals(x.get("status"), y.get("status"), id);
            assertEquals(withoutTimes(x.get("finalMetrics")), withoutTimes(y.get("finalMetrics")), id);
            assertEquals(x.get("curve").size(), y.get("curve").size(), id);
            for (int i = 0; i < x.get("curve").size(); i++) {
                assertEquals(withoutTimes(x.get("curve").get(i)), withoutTimes(y.get("curve").get(i)), id + " point " + i);
            }
            // Where it ran and on which data: every Spark record names its executor's host and the data checksum.
            assertFalse(y.at("/backend/host").asText().isEmpty(), id);
            assertEquals(x.at("/data/checksum"), y.at("/data/checksum"), id);
            assertEquals(x.at("/software/git_commit"), y.at("/software/git_commit"), id);
        }
    }

    @Test
    void aSparkRunTrainsOnlyTheTrialsWithoutARecord() throws IOException {
        Path resumed = tmp.resolve("resumed");
        // A stopped run: the first half of the records.
        List<String> lines = Files.readAllLines(local.resolve("grid-smoke/trials.jsonl"));
        List<String> half = lines.subList(0, lines.size() / 2);
        Files.createDirectories(resumed.resolve("grid-smoke"));
        Files.write(resumed.resolve("grid-smoke/trials.jsonl"), half);

        CliRun s = run(resumed, "--spark", "local[2]");
        assertEquals(0, s.exitCode(), s.out() + s.err());
        assertTrue(s.out().contains(half.size() + " already recorded, " + (lines.size() - half.size()) + " to run"), s.out());
        List<String> after = Files.readAllLines(resumed.resolve("grid-smoke/trials.jsonl"));
        assertEquals(lines.size(), after.size(), "every trial once");
        assertEquals(half, after.subList(0, half.size()), "the recorded trials untouched");
        assertEquals(Files.readString(local.resolve("grid-smoke/table.md")),
                Files.readString(resumed.resolve("grid-smoke/table.md")));
    }

    @Test
    void badSparkRequestsAreOneLineErrors() {
        CliRun both = run(tmp.resolve("x"), "--spark", "local[2]", "--parallel", "2");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("--parallel and --spark"), both.err());
        CliRun small = run(tmp.resolve("y"), "--spark", "local[1]", "--threads", "2");
        assertEquals(2, small.exitCode());
        assertTrue(small.err().contains("cannot run a trial of 2 threads"), small.err());
        CliRun bad = run(tmp.resolve("z"), "--spark", "nowhere://x");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("not a Spark master URL"), bad.err());
        for (String dir : List.of("x", "y", "z")) assertFalse(Files.exists(tmp.resolve(dir)), "nothing written: " + dir);
    }
}
