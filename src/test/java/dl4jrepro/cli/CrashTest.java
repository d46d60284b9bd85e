package dl4jrepro.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A single run killed with SIGKILL at random moments, several times over, then run to the end, leaves what an
 * uninterrupted run leaves: the same figures, the same files, nothing half-written. (Searches: SearchTest.)
 */
class CrashTest {
    @TempDir Path tmp;

    Process start(Path results) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Repro.class.getName(), "--results-dir", results.toString(),
                "run", "quickstart", "--quick")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
    }

    @Test
    void aSingleRunKilledAtRandomMomentsEndsAsAnUninterruptedOne() throws Exception {
        Path whole = tmp.resolve("whole"), killed = tmp.resolve("killed");
        assertEquals(0, start(whole).waitFor());
        Random random = new Random(11);
        for (int kill = 0; kill < 3; kill++) {
            Process p = start(killed);
            // Anywhere from start-up through training to the writing of the results.
            p.waitFor(500 + random.nextInt(8000), TimeUnit.MILLISECONDS);
            p.destroyForcibly().waitFor();
        }
        assertEquals(0, start(killed).waitFor(), Files.readString(tmp.resolve("killed.log")));
        Path a = whole.resolve("quickstart/quick"), b = killed.resolve("quickstart/quick");
        assertEquals(EndToEndTest.files(a), EndToEndTest.files(b));
        assertEquals(EndToEndTest.metrics(whole), EndToEndTest.metrics(killed), "the same curve");
        assertEquals(EndToEndTest.JSON.readTree(a.resolve("summary.json").toFile()).get("figures"),
                EndToEndTest.JSON.readTree(b.resolve("summary.json").toFile()).get("figures"), "the same figures");
        assertFalse(Files.exists(b.resolve(".attempt")), "no attempt left behind");
        try (var s = Files.list(b)) {
            List<String> hidden = s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith(".") && !n.equals(".lock")).toList();
            assertEquals(List.of(), hidden, "no temporary files");
        }
    }
}
