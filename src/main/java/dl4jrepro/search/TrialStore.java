package dl4jrepro.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import dl4jrepro.base.AtomicFiles;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

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
        return read().records();
    }

    /**
     * What the file holds: the records by trial id (the last record of an id wins: it replaced a stale one, or
     * repeats the same trial), the lines that parse and the lines that do not (cut short by a kill, or damaged).
     */
    record Contents(Map<String, RunRecord> records, List<String> good, List<String> damaged) {}

    Contents read() {
        Contents c = new Contents(new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());
        if (!Files.isRegularFile(file)) return c;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    RunRecord r = JSON.readValue(line, RunRecord.class);
                    if (r.trialId() == null) throw new IOException("no trial id");
                    c.records().put(r.trialId(), r);
                    c.good().add(line);
                } catch (IOException damaged) {
                    c.damaged().add(line);
                }
            }
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
        return c;
    }

    /**
     * Sets unreadable lines aside before a search resumes: the whole file is kept as {@code trials.jsonl.damaged-TIME}
     * and the readable records stay in {@code trials.jsonl}; their trials run again. Says so in one line.
     */
    public void setAsideDamaged(Consumer<String> say) throws IOException {
        Contents c = read();
        if (c.damaged().isEmpty()) return;
        Path aside = file.resolveSibling(FILE + ".damaged-" + Instant.now().toString().replace(':', '-'));
        Files.copy(file, aside);
        AtomicFiles.write(file, c.good().isEmpty() ? "" : String.join("\n", c.good()) + "\n");
        say.accept(c.damaged().size() + " unreadable line" + (c.damaged().size() == 1 ? "" : "s") + " of " + file
                + " (a record cut short by a kill, or damaged) set aside with the whole file as " + aside.getFileName()
                + "; those trials run again");
    }

    /**
     * Once a search is complete, keeps in {@code trials.jsonl} exactly the records its table shows ({@code shown}: the
     * current record of each trial of the plan) and appends every other line (records of an earlier spec or data,
     * earlier records of a trial trained again) to {@code trials.stale.jsonl}, so a reader of the file sees what the
     * table sees. Returns how many lines were moved.
     */
    public int moveStaleAside(java.util.Collection<RunRecord> shown) throws IOException {
        Contents c = read();
        java.util.Set<String> keep = new java.util.HashSet<>();
        for (RunRecord r : shown) keep.add(JSON.writeValueAsString(r));
        List<String> current = new ArrayList<>(), stale = new ArrayList<>();
        java.util.Set<String> kept = new java.util.HashSet<>();
        for (String line : c.good()) {
            String normal = JSON.writeValueAsString(JSON.readValue(line, RunRecord.class));
            // A record is kept once, as the table counts it; anything else is stale.
            if (keep.contains(normal) && kept.add(normal)) current.add(line);
            else stale.add(line);
        }
        if (stale.isEmpty()) return 0;
        Path staleFile = file.resolveSibling(STALE);
        Files.writeString(staleFile, String.join("\n", stale) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        AtomicFiles.write(file, current.isEmpty() ? "" : String.join("\n", current) + "\n");
        return stale.size();
    }

    public static final String STALE = "trials.stale.jsonl";

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
