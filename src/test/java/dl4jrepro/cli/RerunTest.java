package dl4jrepro.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** repro rerun over a stored search: a trial trained again from its record gives its figures; other code is refused. */
class RerunTest {
    @TempDir Path tmp;

    CliRun repro(String... args) {
        List<String> all = new ArrayList<>(List.of("--experiments-dir", "src/test/resources/experiments", "--results-dir",
                tmp.resolve("results").toString()));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void aTrialRerunFromItsRecordGivesItsFigures() throws Exception {
        assertEquals(0, repro("run", "grid-smoke", "--quick", "--parallel", "1").exitCode());
        // --anyway: a test may run in a checkout with uncommitted changes, which a plain rerun refuses.
        CliRun again = repro("rerun", "grid-smoke/quick#3", "--anyway");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("| final.test_acc |"), again.out());
        for (String figure : List.of("final.test_acc", "final.train_full_loss", "last.val_acc")) {
            String row = again.out().lines().filter(l -> l.startsWith("| " + figure + " |")).findFirst().orElseThrow();
            assertTrue(row.endsWith("| +0.000 |"), "the same figure again: " + row);
        }
        try (var reruns = Files.list(tmp.resolve("results/reruns"))) {
            assertEquals(1, reruns.filter(d -> Files.isRegularFile(d.resolve("run.json"))).count());
        }
    }

    @Test
    void aRecordOfOtherCodeIsRefusedWithoutAnyway() throws Exception {
        assertEquals(0, repro("run", "grid-smoke", "--quick", "--parallel", "1").exitCode());
        Path trials = tmp.resolve("results/grid-smoke/quick/trials.jsonl");
        Files.writeString(trials, Files.readString(trials).replaceAll("\"git_commit\":\"[^\"]*\"", "\"git_commit\":\"0000000\""));
        CliRun refused = repro("rerun", "grid-smoke/quick#3");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("it was made by commit 0000000"), refused.err());
        assertTrue(!Files.exists(tmp.resolve("results/reruns")), "nothing written");
    }
}
