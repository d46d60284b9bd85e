package dl4jrepro.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.backend.BlasLibrary;
import dl4jrepro.bench.PeerBenchmark.PeerModel;
import dl4jrepro.bench.PeerBenchmark.Trainee;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a catalogue model's training step goes, in DL4J and in PyTorch side by side: each side's time by the kind of
 * work (convolution, batch norm, max pooling, ReLU, dense and loss, each forward and backward, and the updater), per
 * 100 training samples, so that a gap in the peer benchmark ({@code latest.md}) can be traced to the layers behind it.
 * <ul>
 * <li>DL4J: the model as its runs train it (speed-ups on), in a process of its own, sampled by Java Flight Recorder
 *     every {@link #PERIOD} on the training thread, in Java code and in native code alike. A sample's kind comes from
 *     its stack ({@link #kindOf}); native ops' own threads (OpenMP's) are not the training thread, so a kind's time is
 *     the training thread's wall time in it, as on the other side.</li>
 * <li>PyTorch: the twin's ops' own time on the training thread ({@code torch_peer.py --profile}, torch.profiler).</li>
 * </ul>
 * Each side first trains a warm-up epoch and one unprofiled epoch, whose samples/s shows what profiling costs.
 * Writes {@code results/benchmarks/step-profile.{md,json}}, with {@code --models} {@code step-profile-<models>}.
 *
 * <p>Run: {@code src/bench/peer-benchmark.sh StepProfile [--models c2_cifar_vgg] [--epochs 2]} (the script installs the
 * peer's PyTorch when missing, then runs this class).
 */
public final class StepProfile {
    /** JFR's sampling interval, the same for threads in Java and in native code so that their samples weigh alike. */
    static final Duration PERIOD = Duration.ofMillis(10);

    /** A kind of work and the class names that mark it, checked in this order on each frame from the innermost out. */
    private record Kind(String name, List<String> marks) {}

    private static final List<Kind> KINDS = List.of(
            new Kind("dense and loss", List.of("Softmax", "Loss", "DenseLayer", "OutputLayer", "FastDense", "DenseStep")),
            new Kind("ReLU", List.of("ReLU", "ActivationLayer")),
            new Kind("batch norm", List.of("BatchNorm")),
            new Kind("max pooling", List.of("Subsampling", "Pool")),
            new Kind("convolution", List.of("Conv")));

    private StepProfile() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, StepProfile::run);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = BenchmarkFiles.options(args, "--models a,b, --epochs N, --peer PATH, --workload FILE");
        int epochs = BenchmarkFiles.positiveInt(options, "epochs", 2);
        Path peer = PeerBenchmark.peerScript(options);
        Path workloadFile = PeerBenchmark.Workload.file(options);
        PeerBenchmark.Workload workload = PeerBenchmark.Workload.read(workloadFile);
        if (options.containsKey("turn")) {
            ChildProcess.reply(childTurn(workload.model(options.get("turn"), workloadFile), epochs));
            return;
        }
        List<String> only = BenchmarkFiles.selectedModels(options, workload.models().stream().map(PeerModel::name).toList());
        PeerBenchmark.Sides sides = new PeerBenchmark.Sides(peer, workloadFile, "auto", epochs);
        List<Map<String, Object>> rows = new ArrayList<>();
        BackendInfo backend = null;
        for (PeerModel m : workload.models()) {
            if (only != null && !only.contains(m.name())) continue;
            backend = BackendSelector.select("cpu", m.threads(), m.denseOnly());
            PeerBenchmark.checkTwin(m, PeerBenchmark.plain(m), peer);
            System.out.printf(Locale.ROOT, "%s: profiling DL4J, %d epoch(s) ...%n", m.name(), epochs);
            JsonNode dl4j = ChildProcess.run("the DL4J profile of " + m.name(), ChildProcess.java(StepProfile.class,
                    List.of("--turn", m.name(), "--epochs", String.valueOf(epochs), "--workload", workloadFile.toString())),
                    Map.of(BlasLibrary.KERNELS_ENV, "auto"), List.of()).json();
            System.out.printf(Locale.ROOT, "%s: profiling PyTorch ...%n", m.name());
            JsonNode torch = sides.torchProfile(m);
            rows.add(row(m, dl4j, torch));
        }
        String name = BenchmarkFiles.withModels("step-profile", only);
        Map<String, Object> out = BenchmarkFiles.figures(name, "each side's training time by kind of work, per 100 "
                + "samples: DL4J sampled by Java Flight Recorder, PyTorch by torch.profiler", backend == null ? null : backend.oneLine());
        out.put("epochs", epochs);
        out.put("sample_period_ms", PERIOD.toMillis());
        out.put("models", rows);
        BenchmarkFiles.write(name, out, markdown(rows, epochs, String.join(" ", args)));
    }

    /**
     * The model's training in this process: a warm-up epoch, one unprofiled epoch, then {@code epochs} epochs under
     * Java Flight Recorder, whose samples of this thread are summed by kind.
     */
    private static Map<String, Object> childTurn(PeerModel m, int epochs) throws Exception {
        BackendInfo backend = BackendSelector.select("cpu", m.threads(), m.denseOnly());
        Trainee t = PeerBenchmark.trainee(m, backend);
        long samples = t.samplesPerEpoch(m.passes());
        t.epoch(m.passes());
        long t0 = System.nanoTime();
        t.epoch(m.passes());
        double plainSeconds = (System.nanoTime() - t0) / 1e9;
        Path file = Files.createTempFile("step-profile", ".jfr");
        double wall;
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(PERIOD).withStackTrace();
            recording.enable("jdk.NativeMethodSample").withPeriod(PERIOD).withStackTrace();
            recording.start();
            t0 = System.nanoTime();
            for (int e = 0; e < epochs; e++) t.epoch(m.passes());
            wall = (System.nanoTime() - t0) / 1e9;
            recording.stop();
            recording.dump(file);
        }
        Map<String, Integer> kinds = new LinkedHashMap<>(), frames = new LinkedHashMap<>();
        long self = Thread.currentThread().getId();
        int count = 0;
        try {
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                RecordedThread thread = e.getThread("sampledThread");
                RecordedStackTrace stack = e.getStackTrace();
                if (thread == null || thread.getJavaThreadId() != self || stack == null) continue;
                List<String> names = stack.getFrames().stream().map(StepProfile::name).toList();
                String kind = kindOf(names);
                kinds.merge(kind, 1, Integer::sum);
                frames.merge(kind + ": " + ownFrame(names), 1, Integer::sum);
                count++;
            }
        } finally {
            Files.deleteIfExists(file);
        }
        if (count == 0) throw new IllegalStateException("Java Flight Recorder took no sample of the training thread");
        // JFR's sampler thread wakes later than its period when both cores are busy, so samples are fewer than
        // wall / PERIOD: each one stands for an equal share of the wall time, not for one period.
        double perSample = wall / count;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("blas", backend.blas());
        out.put("samples", samples * epochs);
        out.put("wall_s", wall);
        out.put("unprofiled_samples_per_s", samples / plainSeconds);
        out.put("thread_samples", count);
        out.put("sample_interval_ms", perSample * 1e3);
        out.put("kinds_s", sortedByValue(kinds, perSample, Integer.MAX_VALUE));
        out.put("top_frames_s", sortedByValue(frames, perSample, 15));
        return out;
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    /**
     * A stack's kind of work, its frames ({@code class.method}) innermost first: {@code updater} under the network's
     * updater, else the first {@link #KINDS} mark found in a frame's class name (DL4J's, ND4J's or ours) from the
     * innermost out, with the direction: {@code backward} under a backprop method (or DenseStep's backward),
     * {@code forward} under a layer's forward pass (or DenseStep's forward), and {@code other} for the training loop's
     * own work outside both.
     */
    static String kindOf(List<String> frames) {
        if (frames.stream().anyMatch(f -> className(f).contains("Updater"))) return "updater";
        String direction = frames.stream().map(StepProfile::method).anyMatch(m -> m.toLowerCase(Locale.ROOT).contains("backprop")
                || m.startsWith("backward")) ? "backward"
                : frames.stream().map(StepProfile::method).anyMatch(m -> m.startsWith("activate") || m.startsWith("preOutput")
                        || m.startsWith("ffToLayer") || m.startsWith("feedForward") || m.startsWith("computeScore")
                        || m.startsWith("forward")) ? "forward" : null;
        if (direction == null) return "other";
        for (String f : frames) {
            if (!isFrameworkOrOurs(f) && !f.startsWith("org.nd4j.")) continue;  // a JDK class such as ThreadPoolExecutor
            String simple = className(f).substring(className(f).lastIndexOf('.') + 1);
            for (Kind k : KINDS) {
                if (k.marks().stream().anyMatch(simple::contains)) return k.name() + " " + direction;
            }
        }
        return "other " + direction;
    }

    /** The innermost frame of DL4J's or this project's code: the layer, helper or loop a sample was taken in. */
    static String ownFrame(List<String> frames) {
        for (String f : frames) {
            if (isFrameworkOrOurs(f)) return f.substring(f.lastIndexOf('.', f.lastIndexOf('.') - 1) + 1);
        }
        return frames.isEmpty() ? "(no frame)" : frames.get(0);
    }

    private static boolean isFrameworkOrOurs(String frame) {
        return frame.startsWith("org.deeplearning4j.") || frame.startsWith("dl4jrepro.");
    }

    private static String className(String frame) {
        return frame.substring(0, frame.lastIndexOf('.'));
    }

    private static String method(String frame) {
        return frame.substring(frame.lastIndexOf('.') + 1);
    }

    /** Sample counts as seconds, {@code perSample} each, largest first. */
    private static Map<String, Double> sortedByValue(Map<String, Integer> m, double perSample, int limit) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.put(e.getKey(), e.getValue() * perSample));
        return out;
    }

    /** Both sides' kinds in milliseconds per 100 samples, and what each side's profile did not place. */
    private static Map<String, Object> row(PeerModel m, JsonNode dl4j, JsonNode torch) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", m.name());
        row.put("threads", m.threads());
        row.put("dl4j", dl4j);
        row.put("pytorch", torch);
        Set<String> kinds = new TreeSet<>();
        dl4j.get("kinds_s").fieldNames().forEachRemaining(kinds::add);
        torch.get("kinds_s").fieldNames().forEachRemaining(kinds::add);
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String k : kinds) lines.add(line(k, perHundred(dl4j, dl4j.get("kinds_s").path(k).asDouble(0)),
                perHundred(torch, torch.get("kinds_s").path(k).asDouble(0))));
        lines.add(line("not placed (outside PyTorch's ops)", perHundred(dl4j, dl4j.get("wall_s").asDouble() - sum(dl4j)),
                perHundred(torch, torch.get("wall_s").asDouble() - sum(torch))));
        lines.sort(Comparator.comparingDouble((Map<String, Object> l) -> (double) l.get("difference_ms")).reversed());
        row.put("kinds_ms_per_100_samples", lines);
        row.put("dl4j_ms_per_100_samples", perHundred(dl4j, dl4j.get("wall_s").asDouble()));
        row.put("pytorch_ms_per_100_samples", perHundred(torch, torch.get("wall_s").asDouble()));
        return row;
    }

    private static Map<String, Object> line(String kind, double dl4j, double torch) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("kind", kind);
        l.put("dl4j_ms", dl4j);
        l.put("pytorch_ms", torch);
        l.put("difference_ms", dl4j - torch);
        return l;
    }

    private static double sum(JsonNode side) {
        double s = 0;
        for (JsonNode v : side.get("kinds_s")) s += v.asDouble();
        return s;
    }

    private static double perHundred(JsonNode side, double seconds) {
        return seconds * 1e3 * 100 / side.get("samples").asDouble();
    }

    @SuppressWarnings("unchecked")
    private static String markdown(List<Map<String, Object>> rows, int epochs, String args) {
        StringBuilder md = new StringBuilder("# Where the training step goes: DL4J against PyTorch, by kind of work\n\n");
        md.append(String.format(Locale.ROOT, "Each side trains the model as the peer benchmark does ([latest.md](latest.md): "
                + "its spec's net, random data of its shape, the model's threads), a warm-up epoch, one unprofiled epoch, then %d "
                + "profiled epoch(s). DL4J: Java Flight Recorder samples the training thread every %d ms, in Java and in native "
                + "code; a sample's kind comes from the layer classes on its stack. The sampler runs late when both cores are busy, "
                + "so each sample stands for the profiled wall time over the number of samples (the mean interval below), and "
                + "DL4J's side leaves nothing unplaced. PyTorch: torch.profiler's own time of each op "
                + "on the training thread, its kind from its name or its enclosing op's or autograd node's. Both count the training "
                + "thread's wall time; native worker threads (OpenMP) are not counted separately. Figures: milliseconds per 100 "
                + "training samples under the profiler, rows by how much more DL4J spends.%n%n", epochs, PERIOD.toMillis()));
        for (Map<String, Object> row : rows) {
            JsonNode dl4j = (JsonNode) row.get("dl4j"), torch = (JsonNode) row.get("pytorch");
            md.append(String.format(Locale.ROOT, "## %s (%d threads)%n%n", row.get("model"), (int) row.get("threads")));
            md.append(String.format(Locale.ROOT, "Unprofiled samples/s: DL4J %,.0f, PyTorch %,.0f (ratio %.2f). Profiled: %.1f and "
                            + "%.1f ms per 100 samples. DL4J: %d samples of the training thread, one per %.1f ms.%n%n",
                    dl4j.get("unprofiled_samples_per_s").asDouble(), torch.get("unprofiled_samples_per_s").asDouble(),
                    dl4j.get("unprofiled_samples_per_s").asDouble() / torch.get("unprofiled_samples_per_s").asDouble(),
                    (double) row.get("dl4j_ms_per_100_samples"), (double) row.get("pytorch_ms_per_100_samples"),
                    dl4j.get("thread_samples").asInt(), dl4j.get("sample_interval_ms").asDouble()));
            md.append("| kind | DL4J ms | PyTorch ms | DL4J − PyTorch |\n|---|---:|---:|---:|\n");
            for (Map<String, Object> l : (List<Map<String, Object>>) row.get("kinds_ms_per_100_samples")) {
                md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %+.1f |%n", l.get("kind"), (double) l.get("dl4j_ms"),
                        (double) l.get("pytorch_ms"), (double) l.get("difference_ms")));
            }
            md.append("\nDL4J's costliest places (the innermost frame of DL4J's or this project's code), ms per 100 samples:\n\n");
            dl4j.get("top_frames_s").fields().forEachRemaining(e -> md.append(String.format(Locale.ROOT, "- %s: %.1f%n",
                    e.getKey(), perHundred(dl4j, e.getValue().asDouble()))));
            md.append(String.format(Locale.ROOT, "%nBLAS: DL4J %s; PyTorch %s.%n%n", dl4j.get("blas").asText(), torch.get("blas").asText()));
        }
        md.append("Regenerate: `src/bench/peer-benchmark.sh StepProfile").append(args.isEmpty() ? "" : " " + args).append("`\n");
        return md.toString();
    }
}
