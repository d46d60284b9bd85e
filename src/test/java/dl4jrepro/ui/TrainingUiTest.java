package dl4jrepro.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.cli.CliRun;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.run.RunRequest;
import dl4jrepro.run.TrialRunner;
import dl4jrepro.search.LocalTrials;
import dl4jrepro.search.SearchRunner;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.speedups.SpeedupSetting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * run --ui: DL4J's own UI server, started apart, shows every trial of a search (its worker processes included) as a
 * session with DL4J's charts; without --ui a network trains with no listener at all.
 */
class TrainingUiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EXPERIMENTS = Path.of("src/test/resources/experiments");
    static final HttpClient HTTP = HttpClient.newHttpClient();
    @TempDir Path tmp;

    @Test
    void everyTrialOfASearchIsASessionInDl4jsUi() throws Exception {
        int port = freePort();
        ExperimentSpec spec = new SpecCatalog(EXPERIMENTS).load("grid-smoke");
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Path results = tmp.resolve("results");
        try (TrainingUi ui = TrainingUi.start(port, quiet)) {
            RunRequest request = new RunRequest(spec.id(), true, null, Map.of(), null, "cpu", 2, null, 2, EXPERIMENTS,
                    results, "test", ui.url());
            new SearchRunner(new ResultsStore(results), quiet).run(spec, request, new LocalTrials(2));

            List<JsonNode> trials = Files.readAllLines(results.resolve("grid-smoke/quick/trials.jsonl")).stream()
                    .map(TrainingUiTest::json).toList();
            assertEquals(16, trials.size());
            for (JsonNode t : trials) {
                // DenseStep updates a network without calling DL4J's listeners, so --ui trains with DL4J's fit.
                assertFalse(t.get("substitutions").toString().contains("DenseStep"), t.get("substitutions").toString());
            }
            // The reports travel asynchronously; every trial's session shows up on the session list.
            String page = "";
            for (int i = 0; i < 60; i++) {
                page = get(ui.trainPage());
                String listed = page;
                if (trials.stream().allMatch(t -> listed.contains(sessionLink(t)))) break;
                Thread.sleep(500);
            }
            for (JsonNode t : trials) assertTrue(page.contains(sessionLink(t)), sessionLink(t) + " in\n" + page);

            JsonNode overview = JSON.readTree(get(ui.url() + "/train/grid-smoke-trial-1/overview/data"));
            assertTrue(overview.get("scores").size() > 0, overview.toString());
            assertTrue(overview.get("updateRatios").size() > 0, overview.toString());
            // The model page draws the network from its configuration, which names this project's swapped-in layers.
            JsonNode graph = JSON.readTree(get(ui.url() + "/train/grid-smoke-trial-1/model/graph"));
            assertEquals(List.of("Input", "layer0", "layer1"), JSON.convertValue(graph.get("vertexNames"), List.class));
            assertTrue(trials.get(0).get("substitutions").toString().contains("FastDense"), "a swapped-in layer");
        }
        assertFalse(listening(port), "the UI server stops with its run");
    }

    @Test
    void withoutUiANetworkTrainsWithNoListener() throws IOException {
        ExperimentSpec spec = new SpecCatalog(EXPERIMENTS).load("grid-smoke");
        TrialRunner runner = new TrialRunner(BackendSelector.select("cpu", 1), SpeedupSetting.OFF,
                new DatasetRepository(DataLocations.resolve(null)), new PrintStream(OutputStream.nullOutputStream()));
        TrialRunner.Trained t = runner.train(ResolvedConfig.of(spec, true, Map.of()), 1, Map.of(), "test", "test",
                null, null, true, null);
        assertEquals("completed", t.record().status());
        assertTrue(t.net().getListeners().isEmpty(), t.net().getListeners().toString());
    }

    @Test
    void theRunCommandStartsAndStopsTheServer() throws Exception {
        int port = freePort();
        CliRun r = CliRun.of("--experiments-dir", EXPERIMENTS.toString(), "--results-dir", tmp.resolve("r").toString(),
                "run", "grid-smoke", "--quick", "--parallel", "1", "--ui=" + port);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("[ui] DL4J's training UI: http://localhost:" + port + "/train"), r.out());
        assertFalse(listening(port), "the UI server stops when the run ends");
    }

    @Test
    void aTakenPortIsRefusedBeforeAnythingRuns() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            CliRun r = CliRun.of("--experiments-dir", EXPERIMENTS.toString(), "--results-dir",
                    tmp.resolve("r").toString(), "run", "grid-smoke", "--quick", "--ui=" + port);
            assertEquals(2, r.exitCode());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("error: --ui=" + port + ": port " + port + " is taken"), r.err());
            assertFalse(Files.exists(tmp.resolve("r")), "nothing written");
        }
    }

    @Test
    void uiWithSparkOrABadPortIsRefused() {
        CliRun spark = CliRun.of("--experiments-dir", EXPERIMENTS.toString(), "--results-dir",
                tmp.resolve("r").toString(), "run", "grid-smoke", "--quick", "--ui", "--spark", "local[1]");
        assertEquals(2, spark.exitCode());
        assertTrue(spark.err().startsWith("error: --ui and --spark:"), spark.err());
        CliRun port = CliRun.of("--experiments-dir", EXPERIMENTS.toString(), "--results-dir",
                tmp.resolve("r").toString(), "run", "grid-smoke", "--quick", "--ui=70000");
        assertEquals(2, port.exitCode());
        assertTrue(port.err().startsWith("error: --ui=70000: a port is 1 to 65535"), port.err());
        assertFalse(Files.exists(tmp.resolve("r")), "nothing written");
    }

    private static String sessionLink(JsonNode trial) {
        return "href=\"/train/grid-smoke-trial-" + (trial.get("trialIndex").asInt() + 1) + "\"";
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("localhost", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
