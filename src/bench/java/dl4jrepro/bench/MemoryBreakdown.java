package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.bench.PeerBenchmark.PeerModel;
import dl4jrepro.bench.PeerBenchmark.Trainee;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.memory.AllocationsTracker;
import org.nd4j.linalg.api.memory.enums.AllocationKind;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dl4jrepro.bench.PeerTable.d;

/**
 * Where the DL4J side's peak memory in the peer benchmark goes (the RSS column of latest.md): each model trained as a
 * peer turn trains it (a warm-up epoch and {@code epochs} more), in a JVM of its own with {@code ./repro}'s options,
 * while a thread samples the process's resident memory and, at its highest, what holds it: the Java heap and the JVM's
 * other memory (committed), ND4J's workspaces (the only native memory ND4J counts), the data as the benchmark holds it,
 * the network's parameters, gradients and updater state, and the rest (ND4J's other arrays, native libraries' code and
 * buffers, oneDNN's and OpenBLAS's scratch, malloc's free lists).
 *
 * <p>Run: {@code src/bench/run MemoryBreakdown [--models c1_mnist_cnn,c2_cifar_vgg] [--epochs 1]} (all models of
 * {@code catalogue-models.json} by default); writes
 * {@code results/benchmarks/memory-breakdown.{md,json}}, or with {@code --models} {@code memory-breakdown-<models>}.
 */
public final class MemoryBreakdown {
    private MemoryBreakdown() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, MemoryBreakdown::run);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> o = BenchmarkFiles.options(args, "--models a,b, --epochs N");
        int epochs = BenchmarkFiles.positiveInt(o, "epochs", 1);
        PeerBenchmark.Workload workload = PeerBenchmark.Workload.read(PeerBenchmark.Workload.CATALOGUE);
        if (o.containsKey("child")) {
            child(workload.model(o.get("child"), PeerBenchmark.Workload.CATALOGUE), epochs);
            return;
        }
        List<String> all = workload.models().stream().map(PeerModel::name).toList();
        List<String> only = BenchmarkFiles.selectedModels(o, all);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : only == null ? all : only) {
            ChildProcess.Result r = ChildProcess.run("the memory breakdown of " + name, ChildProcess.java(MemoryBreakdown.class,
                    List.of("--child", name, "--epochs", String.valueOf(epochs))), Map.of(), List.of());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", name);
            row.put("peak_rss_mb", r.peakRssMb());
            r.json().fields().forEachRemaining(f -> row.put(f.getKey(), f.getValue().isNumber() ? f.getValue().asDouble()
                    : f.getValue().asText()));
            rows.add(row);
            System.out.printf(Locale.ROOT, "%s: peak RSS %.0f MB, %s%n", name, r.peakRssMb(), r.json());
        }
        String name = only == null ? "memory-breakdown" : BenchmarkFiles.withModels("memory-breakdown", only);
        Map<String, Object> out = BenchmarkFiles.figures(name, "the DL4J side's resident memory at its highest in a peer "
                + "turn, divided among the Java heap, the JVM's other memory, ND4J's workspaces, data, network state and the rest", null);
        out.put("epochs_after_warm_up", epochs);
        out.put("java_options", ManagementFactory.getRuntimeMXBean().getInputArguments());
        out.put("models", rows);
        BenchmarkFiles.write(name, out, markdown(rows, epochs, String.join(" ", args)));
    }

    /** What holds the resident memory at one moment, in MB. */
    record Snapshot(double rss, double heapCommitted, double heapUsed, double otherJvm, double workspaces) {
        static Snapshot now(MemoryMXBean jvm) throws IOException {
            return new Snapshot(residentMb(), jvm.getHeapMemoryUsage().getCommitted() / 1e6,
                    jvm.getHeapMemoryUsage().getUsed() / 1e6, jvm.getNonHeapMemoryUsage().getCommitted() / 1e6,
                    AllocationsTracker.getInstance().bytesOnDevice(AllocationKind.WORKSPACE, 0) / 1e6);
        }
    }

    /** This process's resident memory now (VmRSS of /proc/self/status), in MB. */
    static double residentMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Double.parseDouble(line.replaceAll("[^0-9]", "")) / 1e3;
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static void child(PeerModel m, int epochs) throws Exception {
        MemoryMXBean jvm = ManagementFactory.getMemoryMXBean();
        Snapshot[] highest = {Snapshot.now(jvm)};
        Thread sampler = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Snapshot s = Snapshot.now(jvm);
                    if (s.rss() > highest[0].rss()) highest[0] = s;
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                // the turn is over
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "memory-sampler");
        sampler.setDaemon(true);
        double startRss = residentMb();
        BackendInfo backend = BackendSelector.select("cpu", m.threads());
        sampler.start();
        Trainee t = PeerBenchmark.trainee(m, backend);
        Snapshot built = Snapshot.now(jvm);
        for (int e = 0; e <= epochs; e++) t.epoch(m.passes());
        sampler.interrupt();
        sampler.join();
        double data = 0;
        for (INDArray[] b : t.batches()) data += (megabytes(b[0]) + megabytes(b[1]));
        MultiLayerNetwork net = t.net();
        INDArray updaterState = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
        double network = 2 * megabytes(net.params()) + (updaterState == null ? 0 : megabytes(updaterState));
        Snapshot p = highest[0];
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("jvm_start_rss_mb", startRss);
        out.put("built_rss_mb", built.rss());
        out.put("sampled_peak_rss_mb", p.rss());
        out.put("heap_committed_mb", p.heapCommitted());
        out.put("heap_used_mb", p.heapUsed());
        out.put("other_jvm_committed_mb", p.otherJvm());
        out.put("workspaces_mb", p.workspaces());
        out.put("data_mb", data);
        out.put("network_state_mb", network);
        // The heap's resident part lies between its used and committed sizes: the rest is given at most.
        out.put("rest_at_most_mb", p.rss() - p.heapUsed() - p.otherJvm() - p.workspaces() - data - network);
        ChildProcess.reply(out);
    }

    private static String markdown(List<Map<String, Object>> rows, int epochs, String args) {
        StringBuilder md = new StringBuilder("# Where the DL4J side's peak memory goes\n\n");
        md.append("Each model trained as a DL4J turn of the peer benchmark trains it (random data of its shape in memory, "
                + "a warm-up epoch and ").append(epochs).append(" more), in a JVM of its own with the options below; a "
                + "thread samples the resident memory every 20 ms and, at its highest, what holds it. Heap: the Java heap "
                + "committed (used in brackets). Other JVM: the JVM's other committed memory (metaspace, code cache). "
                + "Workspaces: ND4J's workspaces at that moment (the only native memory ND4J counts). Data: the "
                + "benchmark's minibatches. Network: parameters, gradients and updater state. Rest, at most: the resident "
                + "memory less the heap's used part and all the others (ND4J's other arrays, native libraries' code and "
                + "data, oneDNN's and OpenBLAS's buffers, malloc's free lists); the heap's resident part lies between its "
                + "used and committed sizes. "
                + "Peak RSS: /usr/bin/time's, as latest.md's; the sampled peak can miss a spike shorter than 20 ms.\n\n");
        md.append("| model | peak RSS MB | sampled peak | at start-up | with network and data | heap (used) | other JVM "
                + "| workspaces | data | network | rest, at most |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f (%.0f) | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
                    r.get("model"), d(r, "peak_rss_mb"), d(r, "sampled_peak_rss_mb"), d(r, "jvm_start_rss_mb"),
                    d(r, "built_rss_mb"), d(r, "heap_committed_mb"), d(r, "heap_used_mb"), d(r, "other_jvm_committed_mb"),
                    d(r, "workspaces_mb"), d(r, "data_mb"), d(r, "network_state_mb"), d(r, "rest_at_most_mb")));
        }
        md.append("\nJava options: `").append(String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()))
                .append("`.\n\nRegenerate: `src/bench/run MemoryBreakdown").append(args.isBlank() ? "" : " " + args).append("`\n");
        return md.toString();
    }

    private static double megabytes(INDArray a) {
        return a.length() * a.dataType().width() / 1e6;
    }
}
