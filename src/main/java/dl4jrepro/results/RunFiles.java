package dl4jrepro.results;

import com.fasterxml.jackson.databind.JsonNode;
import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A single run's files (run.json, table, curves, pictures, model) replace the previous run's as a whole, never file by
 * file: a run writes them into an attempt folder beside the published ones, and only a finished attempt is moved in.
 * The attempt first lists what it holds and where it goes ({@code .ready}); a move cut short by a crash is finished by
 * the next run of the experiment, which also discards an attempt that never got ready. So a results folder holds one
 * run's files, never a mix of two.
 *
 * <p>A diverged run does not replace a completed one: it goes into {@code diverged/} beside it, and the completed
 * result stays. Over an earlier diverged run, or none, it is published as usual.
 */
public final class RunFiles {
    static final String ATTEMPT = ".attempt";
    static final String READY = ".ready";
    public static final String DIVERGED = "diverged";

    private RunFiles() {}

    /** An empty attempt folder in {@code dir}, after finishing or discarding what an interrupted run left. */
    public static Path beginAttempt(Path dir) throws IOException {
        recover(dir);
        Path attempt = dir.resolve(ATTEMPT);
        Files.createDirectories(attempt);
        return attempt;
    }

    /** Where a finished run's files go: {@code dir}, or {@code dir/diverged/} for a diverged run beside a completed one. */
    public static Path target(Path dir, boolean completed) {
        return !completed && holdsCompletedRun(dir) ? dir.resolve(DIVERGED) : dir;
    }

    /** Moves a finished attempt's files to {@code target} ({@link #target}), replacing the files there as a whole. */
    public static void publish(Path dir, Path attempt, Path target) throws IOException {
        String where = dir.relativize(target).toString();
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(attempt)) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).filter(n -> !n.equals(READY))
                    .sorted().forEach(files::add);
        }
        AtomicFiles.write(attempt.resolve(READY), Json.MAPPER.writeValueAsString(new Ready(where, files)));
        move(dir, attempt);
    }

    /** What a ready attempt holds and where it goes ("" for the experiment's folder itself). */
    record Ready(String target, List<String> files) {}

    private static void move(Path dir, Path attempt) throws IOException {
        Ready ready = Json.MAPPER.readValue(attempt.resolve(READY).toFile(), Ready.class);
        Path target = ready.target().isEmpty() ? dir : dir.resolve(ready.target());
        Files.createDirectories(target);
        for (String f : ready.files()) {
            Path from = attempt.resolve(f);
            if (Files.exists(from)) {
                Files.move(from, target.resolve(f), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        // The previous run's files that this one did not write (a picture its kind of network has no more, say).
        try (Stream<Path> s = Files.list(target)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && !ready.files().contains(name)) Files.delete(p);
            }
        }
        AtomicFiles.deleteTree(attempt);
    }

    /** Finishes an attempt that was ready when its run stopped; discards one that was not. */
    static void recover(Path dir) throws IOException {
        Path attempt = dir.resolve(ATTEMPT);
        if (!Files.isDirectory(attempt)) return;
        if (Files.isRegularFile(attempt.resolve(READY))) {
            move(dir, attempt);
        } else {
            AtomicFiles.deleteTree(attempt);
        }
    }

    /** Whether {@code dir} holds a run that completed. */
    static boolean holdsCompletedRun(Path dir) {
        Path run = dir.resolve(ResultsStore.RUN);
        if (!Files.isRegularFile(run)) return false;
        try {
            JsonNode status = Json.MAPPER.readTree(run.toFile()).get("status");
            return status != null && status.asText().equals("completed");
        } catch (IOException e) {
            return false;
        }
    }

}
