package dl4jrepro.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed results are what today's code writes from their stored records: {@code ./repro table --all} over a
 * copy of {@code results/} changes no table, summary or CSV. (Pictures are left out of the comparison: their pixels
 * depend on the machine's fonts; on one machine they come out byte for byte the same too.)
 */
class CommittedResultsTest {
    private static final Set<String> TEXT = Set.of(".md", ".json", ".csv");

    @Test
    void rewritingEveryTableChangesNothing(@TempDir Path tmp) throws IOException {
        Path committed = Path.of("results"), copy = tmp.resolve("results");
        List<Path> before = files(committed);
        for (Path f : before) {
            Files.createDirectories(copy.resolve(f).getParent());
            Files.copy(committed.resolve(f), copy.resolve(f));
        }
        CliRun run = CliRun.of("--results-dir", copy.toString(), "table", "--all");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().lines().count() >= 40, "every experiment with results is rewritten:\n" + run.out());

        List<String> changed = new ArrayList<>();
        for (Path f : files(copy)) {
            if (!TEXT.stream().anyMatch(f.toString()::endsWith)) continue;
            // Only what exists: a search still running has its plan and trials but no table yet.
            Path original = committed.resolve(f);
            if (Files.exists(original) && !Files.readString(original).equals(Files.readString(copy.resolve(f)))) {
                changed.add(f.toString());
            }
        }
        assertEquals(List.of(), changed, "committed results out of step with the code: run ./repro table --all and commit");
    }

    /** Every file under {@code root}, relative, but what a run keeps locally (networks, checkpoints, quick runs). */
    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).map(root::relativize)
                    .filter(p -> !p.toString().endsWith("model.zip") && !p.toString().contains("checkpoint")
                            && !p.toString().contains("/quick/") && !p.startsWith("quick"))
                    .sorted().toList();
        }
    }
}
