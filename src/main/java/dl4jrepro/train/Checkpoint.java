package dl4jrepro.train;

import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Json;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Lets a long single run (the CNNs take hours here) survive being stopped: at an evaluation boundary, at most every
 * {@code everySeconds}, the network with its updater state ({@link ModelSerializer}) and the loop's counters are saved;
 * running the same command again continues from the last one. A checkpoint written for another configuration (its
 * fingerprint differs) is ignored, never resumed.
 *
 * <p>The shuffling order is replayed exactly on resume; dropout masks are not (ND4J's random stream is not saved), so a
 * resumed run with dropout is a statistically equal run, not a bit-identical one. The run record says where it resumed.
 */
public final class Checkpoint {
    private static final String STATE = "state.json";

    /**
     * @param step         minibatch updates done when saved
     * @param model        file name of the network saved with it
     * @param curve        evaluations so far
     * @param trainSeconds training time so far (evaluation excluded)
     * @param evalSeconds  evaluation time so far
     * @param samples      training examples seen so far
     * @param resumedFrom  steps at which earlier segments of this run resumed
     * @param wallSeconds  time the training loop has run so far, over all segments
     * @param software     the code that wrote it (git commit, versions), so a partial run's speed can be attributed
     * @param earlierSoftware the code of each earlier segment of this run, in order (null in states written before it
     *                     was recorded)
     */
    public record State(String fingerprint, int step, String model, List<CurvePoint> curve, double trainSeconds,
                        double evalSeconds, long samples, List<Integer> resumedFrom, String saved, double wallSeconds,
                        Map<String, Object> software, List<Map<String, Object>> earlierSoftware) {

        /** The code of every segment up to and including the one that wrote this state. */
        public List<Map<String, Object>> segmentsSoftware() {
            List<Map<String, Object>> all = new java.util.ArrayList<>(earlierSoftware == null ? List.of() : earlierSoftware);
            all.add(software == null ? Map.of() : software);
            return all;
        }

        /** The wall time so far; checkpoints written before it was recorded count training and evaluation only. */
        public double wallSecondsSoFar() {
            return wallSeconds > 0 ? wallSeconds : trainSeconds + evalSeconds;
        }
    }

    private final Path dir;
    private final String fingerprint;
    private final double everySeconds;
    private final Map<String, Object> software;
    private long lastSave = System.nanoTime();

    /**
     * @param fingerprint  what the run is (configuration, budget, seed, data checksum), compared on resume
     * @param everySeconds the least training time between two checkpoints (0: at every evaluation)
     */
    public Checkpoint(Path dir, String fingerprint, double everySeconds) {
        this(dir, fingerprint, everySeconds, Map.of());
    }

    /** @param software what the saved states record as the code that wrote them */
    public Checkpoint(Path dir, String fingerprint, double everySeconds, Map<String, Object> software) {
        this.dir = dir;
        this.fingerprint = fingerprint;
        this.everySeconds = everySeconds;
        this.software = software;
    }

    /**
     * Continues {@code net} from the saved state of this configuration, if there is one: its weights, updater state
     * and counters. A state of another configuration is skipped; a damaged state or network is reported in one line
     * and set aside (renamed, never deleted), and the run starts afresh.
     */
    public Optional<State> resume(MultiLayerNetwork net, Consumer<String> say) {
        Path file = dir.resolve(STATE);
        if (!Files.exists(file)) return Optional.empty();
        State s;
        try {
            s = Json.MAPPER.readValue(file.toFile(), State.class);
        } catch (IOException e) {
            say.accept("checkpoint state " + file + " is unreadable (" + oneLine(e) + "); set aside as "
                    + setAside(file).getFileName() + ", starting afresh");
            return Optional.empty();
        }
        if (!s.fingerprint().equals(fingerprint)) {
            say.accept("checkpoint in " + dir + " is from another configuration of this experiment; starting afresh");
            return Optional.empty();
        }
        Path model = dir.resolve(s.model());
        try {
            if (!Files.exists(model)) throw new IOException("its network " + s.model() + " is missing");
            MultiLayerNetwork saved = ModelSerializer.restoreMultiLayerNetwork(model.toFile(), true);
            net.setParams(saved.params());
            if (saved.getUpdater().getStateViewArray() != null) {
                net.getUpdater().getStateViewArray().assign(saved.getUpdater().getStateViewArray());
            }
            net.setIterationCount(saved.getIterationCount());
            net.setEpochCount(saved.getEpochCount());
            return Optional.of(s);
        } catch (IOException | RuntimeException e) {
            String aside = Files.exists(model) ? ", set aside as " + setAside(model).getFileName() : "";
            say.accept("checkpoint network " + model + " is damaged (" + oneLine(e) + ")" + aside + "; state set aside as "
                    + setAside(file).getFileName() + ", starting afresh");
            return Optional.empty();
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    /** Renames a damaged file aside ({@link AtomicFiles#damagedBeside}). */
    static Path setAside(Path file) {
        Path aside = AtomicFiles.damagedBeside(file);
        try {
            return Files.move(file, aside);
        } catch (IOException e) {
            throw new UncheckedIOException("could not set the damaged " + file + " aside: " + e.getMessage(), e);
        }
    }

    /** Whether enough training time has passed since the last save (or the start) to save again. */
    public boolean due() {
        return (System.nanoTime() - lastSave) / 1e9 >= everySeconds;
    }

    /** Saves network and state; the state names its network, so a save cut short leaves the previous one usable. */
    /** @param earlierSoftware the code of the segments before this one (empty for a run in one go) */
    public void save(MultiLayerNetwork net, int step, List<CurvePoint> curve, double trainSeconds, double evalSeconds,
                     long samples, List<Integer> resumedFrom, double wallSeconds, List<Map<String, Object>> earlierSoftware) {
        try {
            Files.createDirectories(dir);
            String model = "model-" + step + ".zip";
            Path tmp = AtomicFiles.tempBeside(dir.resolve(model));
            ModelSerializer.writeModel(net, tmp.toFile(), true);
            AtomicFiles.moveInto(tmp, dir.resolve(model));
            State state = new State(fingerprint, step, model, List.copyOf(curve), trainSeconds, evalSeconds, samples,
                    List.copyOf(resumedFrom), Instant.now().toString(), wallSeconds, software, List.copyOf(earlierSoftware));
            AtomicFiles.write(dir.resolve(STATE), Json.MAPPER.writeValueAsString(state));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String name = p.getFileName().toString();
                    if (name.matches("model-\\d+\\.zip") && !name.equals(model)) Files.delete(p);
                }
            }
            lastSave = System.nanoTime();
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes the checkpoint in {@code dir} once the run's results are stored. */
    public static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) Files.delete(p);
        }
        Files.delete(dir);
    }
}
