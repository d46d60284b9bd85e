package dl4jrepro.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard serves what is under the results folder and nothing else; its JSON follows a growing trials.jsonl. */
class DashboardServerTest {
    @TempDir Path tmp;
    final HttpClient client = HttpClient.newHttpClient();

    int status(DashboardServer s, String rawPath) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(s.uri() + rawPath)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    String body(DashboardServer s, String rawPath) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(s.uri() + rawPath)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void pathsThatClimbOutOfTheResultsFolderAreNotFound() throws Exception {
        Path results = Files.createDirectories(tmp.resolve("results/exp"));
        Files.writeString(results.resolve("table.md"), "# exp");
        Files.writeString(tmp.resolve("secret.txt"), "not for the page");
        Files.createSymbolicLink(results.resolve("link.txt"), tmp.resolve("secret.txt"));
        try (DashboardServer s = DashboardServer.start(tmp.resolve("results"), java.util.List.of(), "127.0.0.1", 0)) {
            assertTrue(s.uri().getHost().equals("127.0.0.1"), "loopback by default");
            assertEquals(200, status(s, "results/exp/table.md"));
            assertEquals(404, status(s, "results/../secret.txt"));
            assertEquals(404, status(s, "results/%2e%2e/secret.txt"));
            assertEquals(404, status(s, "results/exp/%2e%2e/%2e%2e/secret.txt"));
            assertEquals(404, status(s, "results/exp/link.txt"), "a link leading out");
            assertEquals(404, status(s, "api/trials?folder=../"));
            assertEquals(404, status(s, "nothing-here"));
        }
    }

    @Test
    void aTrialAppendedWhileServingAppearsInTheNextAnswer() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("results/grid-smoke"));
        Files.writeString(dir.resolve("plan.json"), "[{\"index\":0},{\"index\":1}]");
        String trial = "{\"trialIndex\":%d,\"trialId\":\"t%d\",\"overrides\":{\"lr\":0.1},\"seed\":1,\"status\":\"completed\","
                + "\"wallSeconds\":2.0,\"curve\":[{\"step\":10,\"trainLoss\":0.5,\"valAcc\":0.8%d}]}\n";
        Files.writeString(dir.resolve("trials.jsonl"), String.format(trial, 0, 0, 0));
        ObjectMapper json = new ObjectMapper();
        try (DashboardServer s = DashboardServer.start(tmp.resolve("results"),
                new SpecCatalog(Path.of("src/test/resources/experiments")).all(), "127.0.0.1", 0)) {
            JsonNode first = json.readTree(body(s, "api/trials?folder=grid-smoke&from=0"));
            assertEquals(2, first.get("planned").asInt());
            assertEquals(1, first.get("recorded").asInt());
            Files.writeString(dir.resolve("trials.jsonl"), String.format(trial, 1, 1, 5), java.nio.file.StandardOpenOption.APPEND);
            JsonNode next = json.readTree(body(s, "api/trials?folder=grid-smoke&from=1"));
            assertEquals(1, next.get("trials").size());
            assertEquals(0.85, next.at("/trials/0/metrics/valAcc").asDouble(), 1e-12);
            JsonNode overview = json.readTree(body(s, "api/overview"));
            assertTrue(overview.get("experiments").toString().contains("\"id\":\"grid-smoke\""), overview.toString());
        }
    }
}
