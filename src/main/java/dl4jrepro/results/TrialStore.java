package dl4jrepro.results;

import com.fasterxml.jackson.databind.ObjectMapper;
import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * repeats the same trial), the lines that parse with their trial ids, and the lines that do not (cut short by a
     * kill, or damaged).
     */
    public record Contents(Map<String, RunRecord> records, List<Line> good, List<String> damaged) {}

    /** A readable line of the file and the trial it records. */
    public record Line(String text, String trialId) {}

    public Contents read() {
        Contents c = new Contents(new LinkedHashMap<>(), new ArrayList<>(), new ArrayList<>());
        if (!Files.isRegularFile(file)) return c;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    RunRecord r = JSON.readValue(line, RunRecord.class);
                    if (r.trialId() == null) throw new IOException("no trial id");
                    c.records().put(r.trialId(), r);
                    c.good().add(new Line(line, r.trialId()));
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
        Path aside = AtomicFiles.damagedBeside(file);
        Files.copy(file, aside);
        rewrite(c.good().stream().map(Line::text).toList());
        say.accept(c.damaged().size() + " unreadable line" + (c.damaged().size() == 1 ? "" : "s") + " of " + file
                + " (a record cut short by a kill, or damaged) set aside with the whole file as " + aside.getFileName()
                + "; those trials run again");
    }

    /**
     * Once a search is complete, keeps in {@code trials.jsonl} exactly the records its table shows (the last record of
     * each trial in {@code shownTrialIds}) and appends every other line (records of an earlier spec or data, earlier
     * records of a trial trained again) to {@code trials.stale.jsonl}, so a reader of the file sees what the table
     * sees. Returns how many lines were moved.
     */
    public int moveStaleAside(Set<String> shownTrialIds) throws IOException {
        List<Line> good = read().good();
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < good.size(); i++) last.put(good.get(i).trialId(), i);
        List<String> current = new ArrayList<>(), stale = new ArrayList<>();
        for (int i = 0; i < good.size(); i++) {
            Line line = good.get(i);
            boolean shown = shownTrialIds.contains(line.trialId()) && last.get(line.trialId()) == i;
            (shown ? current : stale).add(line.text());
        }
        if (stale.isEmpty()) return 0;
        Files.writeString(file.resolveSibling(STALE), String.join("\n", stale) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        rewrite(current);
        return stale.size();
    }

    /** Replaces the file's lines as a whole. */
    private void rewrite(List<String> lines) throws IOException {
        AtomicFiles.write(file, lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
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
