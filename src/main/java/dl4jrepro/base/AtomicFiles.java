package dl4jrepro.base;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/** Writes files whole or not at all: a killed run never leaves a half-written file for {@code table} to read. */
public final class AtomicFiles {
    private AtomicFiles() {}

    public static void write(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    public static void write(Path target, byte[] bytes) throws IOException {
        Path tmp = tempBeside(target);
        try {
            Files.write(tmp, bytes);
            moveInto(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A temporary name in the target's folder (same file system, so the final move is atomic). */
    public static Path tempBeside(Path target) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
    }

    public static void moveInto(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Where a damaged file is set aside: beside itself as {@code NAME.damaged-TIME}, so nothing is lost and the run
     * no longer reads it.
     */
    public static Path damagedBeside(Path file) {
        return file.resolveSibling(file.getFileName() + ".damaged-" + Instant.now().toString().replace(':', '-'));
    }

    /** Deletes a folder and everything in it (nothing if it is not there). */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
