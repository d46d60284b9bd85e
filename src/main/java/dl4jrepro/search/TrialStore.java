package dl4jrepro.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import dl4jrepro.base.UserError;
import dl4jrepro.results.RunRecord;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The finished trials of a search, one JSON line each in {@code trials.jsonl}. A trial is appended whole and forced to
 * disk before the next starts, under a file lock so parallel workers never interleave; a line cut short by a kill is
 * ignored on reading (its trial simply runs again), and a trial recorded twice counts once (the later record).
 */
public final class TrialStore {
    public static final String FILE = "trials.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public TrialStore(Path dir) {
        this.file = dir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    /** Finished trials by trial id. */
    public Map<String, RunRecord> load() {
        Map<String, RunRecord> done = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) return done;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    RunRecord r = JSON.readValue(line, RunRecord.class);
                    // The last record of an id wins: it replaced a stale one, or repeats the same trial.
                    if (r.trialId() != null) done.put(r.trialId(), r);
                } catch (IOException partial) {
                    // A line cut short by a kill: its trial has no complete record and runs again.
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        return done;
    }

    /** Appends one finished trial durably. */
    public void append(RunRecord trial) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] line = (JSON.writeValueAsString(trial) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
             FileLock ignored = ch.lock()) {
            long size = ch.size();
            // After a kill mid-line, start on a fresh line so the next record stays readable.
            if (size > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                ch.read(last, size - 1);
                if (last.get(0) != '\n') ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size++);
            }
            ch.write(ByteBuffer.wrap(line), size);
            ch.force(true);
        }
    }
}
