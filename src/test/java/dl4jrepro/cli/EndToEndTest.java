package dl4jrepro.cli;

import dl4jrepro.base.CurvePoint;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The quick start at its smoke budget, through the real command line, on real MNIST. */
class EndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    CliRun quick(Path results, String... extra) {
        List<String> args = new ArrayList<>(List.of("--results-dir", results.toString(), "run", "quickstart", "--quick"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void quickRunWritesACompleteResultsFolderAndTableRebuildsIt() throws IOException {
        CliRun r = quick(tmp);
        assertEquals(0, r.exitCode(), r.err());
        Path dir = tmp.resolve("quickstart").resolve("quick");
        for (String f : List.of("run.json", "curve.csv", "learning-curve.png", "table.md", "summary.json")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
        JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        JsonNode testAcc = summary.get("figures").get(0);
        assertEquals("test accuracy", testAcc.get("name").asText());
        // 2,000 digits, one epoch: far above the 10 % of chance, short of the full run's 97 %.
        assertTrue(testAcc.get("reproduced").asDouble() > 0.6, testAcc.toString());
        for (String key : List.of("command", "seed", "hyperparameters", "data", "backend", "software")) {
            assertTrue(summary.get("provenance").has(key), "provenance has " + key);
        }
        assertEquals(32, summary.at("/provenance/data/checksum").asText().length(), "an md5");
        assertTrue(summary.at("/provenance/backend/threads").asInt() >= 1);
        assertTrue(summary.get("wall_s").asDouble() > 0);
        assertEquals("mnist", summary.at("/provenance/data/dataset").asText());

        String table = Files.readString(dir.resolve("table.md"));
        assertTrue(table.contains("| test accuracy |") && table.contains("quick (smoke) budget"), table);
        String csv = Files.readString(dir.resolve("curve.csv"));
        for (String f : List.of("table.md", "curve.csv", "learning-curve.png", "summary.json")) Files.delete(dir.resolve(f));
        CliRun t = CliRun.of("--results-dir", tmp.toString(), "table", "quickstart", "--quick");
        assertEquals(0, t.exitCode(), t.err());
        assertEquals(table, Files.readString(dir.resolve("table.md")), "table regenerated from the stored run");
        assertEquals(csv, Files.readString(dir.resolve("curve.csv")));
        assertTrue(Files.size(dir.resolve("learning-curve.png")) > 0 && Files.exists(dir.resolve("summary.json")));

        // The wall divides into training, evaluation during training, final scoring and the rest, none negative.
        ObjectNode run = (ObjectNode) JSON.readTree(dir.resolve("run.json").toFile());
        double scoring = run.at("/finalMetrics/final_scoring_seconds").asDouble();
        assertTrue(scoring > 0 && run.get("trainSeconds").asDouble() + run.get("evalSeconds").asDouble() + scoring
                < run.get("wallSeconds").asDouble(), run.toString());

        // A run stopped and continued from its checkpoint says where, as its record has it.
        assertFalse(table.contains("continued from a checkpoint"), table);
        ((ObjectNode) run.get("finalMetrics")).put("resumed_at_step_2", 90.0).put("resumed_at_step_1", 40.0);
        JSON.writeValue(dir.resolve("run.json").toFile(), run);
        assertEquals(0, CliRun.of("--results-dir", tmp.toString(), "table", "quickstart", "--quick").exitCode());
        assertTrue(Files.readString(dir.resolve("table.md")).contains("- continued from a checkpoint at step 40, 90 "),
                Files.readString(dir.resolve("table.md")));
    }

    @Test
    void sameSeedSameMetricsOtherSeedOtherMetrics() throws IOException {
        assertEquals(0, quick(tmp.resolve("a"), "--seed", "7").exitCode());
        assertEquals(0, quick(tmp.resolve("b"), "--seed", "7").exitCode());
        assertEquals(0, quick(tmp.resolve("c"), "--seed", "8").exitCode());
        List<String> a = metrics(tmp.resolve("a")), b = metrics(tmp.resolve("b")), c = metrics(tmp.resolve("c"));
        assertFalse(a.isEmpty());
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void everyRunNamesTheCodeThatComputedIt() throws IOException {
        assertEquals(0, quick(tmp.resolve("on")).exitCode());
        CliRun off = quick(tmp.resolve("off"), "--speedups", "off");
        assertEquals(0, off.exitCode(), off.err());
        JsonNode on = JSON.readTree(tmp.resolve("on/quickstart/quick/run.json").toFile());
        assertEquals("on", on.get("speedups").asText());
        List<String> kinds = new ArrayList<>();
        on.get("substitutions").forEach(sub -> kinds.add(sub.get("kind").asText()));
        assertEquals(List.of("dense", "relu", "adam", "step"), kinds, on.get("substitutions").toString());
        assertTrue(Files.readString(tmp.resolve("on/quickstart/quick/table.md"))
                .contains("- computed by: FastDense for DenseLayer (layer 0); FastReLU"));
        JsonNode dl4j = JSON.readTree(tmp.resolve("off/quickstart/quick/run.json").toFile());
        assertEquals("off", dl4j.get("speedups").asText());
        assertEquals(0, dl4j.get("substitutions").size());
        assertTrue(Files.readString(tmp.resolve("off/quickstart/quick/table.md"))
                .contains("- computed by: DL4J layers (no substitutions) (speed-ups off)"));
    }

    /** The curve without its timing column, which differs from run to run. */
    static List<String> metrics(Path results) throws IOException {
        // every column but the training time, which differs from run to run
        int seconds = List.of(CurvePoint.CSV_HEADER.split(",")).indexOf("seconds");
        return Files.readAllLines(results.resolve("quickstart/quick/curve.csv")).stream().map(l -> {
            List<String> cells = new java.util.ArrayList<>(List.of(l.split(",", -1)));
            cells.remove(seconds);
            return String.join(",", cells);
        }).toList();
    }

    @Test
    void aDivergedRunKeepsTheCompletedResultAndGoesBesideIt() throws IOException {
        assertEquals(0, quick(tmp).exitCode());
        Path dir = tmp.resolve("quickstart/quick");
        String table = Files.readString(dir.resolve("table.md")), run = Files.readString(dir.resolve("run.json"));
        List<String> files = files(dir);
        CliRun diverged = quick(tmp, "--set", "lr=1e30");
        assertEquals(3, diverged.exitCode(), diverged.err());
        assertTrue(diverged.out().contains("the completed run in " + dir + " is kept"), diverged.out());
        assertEquals(run, Files.readString(dir.resolve("run.json")), "the completed run is untouched");
        assertEquals(table, Files.readString(dir.resolve("table.md")));
        assertEquals(files, files(dir), "no file of the diverged attempt among the completed run's");
        assertEquals("diverged", JSON.readTree(dir.resolve("diverged/run.json").toFile()).get("status").asText());
        assertFalse(Files.exists(dir.resolve("diverged/model.zip")), "a diverged network's NaN weights are not kept");
        assertFalse(Files.exists(dir.resolve(".attempt")), "no attempt left behind");
    }

    static List<String> files(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .sorted().toList();
        }
    }

    @Test
    void divergenceIsRecordedNotThrown() throws IOException {
        CliRun r = quick(tmp, "--set", "lr=1e30");
        assertEquals(3, r.exitCode(), "a diverged run exits 3: " + r.err());
        JsonNode summary = JSON.readTree(tmp.resolve("quickstart/quick/summary.json").toFile());
        assertEquals("diverged", summary.get("status").asText());
        assertEquals("diverged", summary.get("figures").get(0).get("verdict").asText());
        assertTrue(Files.readString(tmp.resolve("quickstart/quick/table.md")).contains("Training stopped early: loss became"));
    }
}
