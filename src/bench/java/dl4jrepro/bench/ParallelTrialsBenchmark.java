package dl4jrepro.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dl4jrepro.backend.JarVersion;
import dl4jrepro.base.Json;
import dl4jrepro.cli.Repro;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Trials per hour of a search with {@code --parallel 1} (one trial at a time, all threads) against {@code --parallel 2}
 * (two worker processes, one thread each), on the same 4-trial workload, each measurement a fresh JVM, the two sides
 * alternated round by round because this machine's speed swings within minutes. Writes
 * {@code results/benchmarks/parallel-trials.{md,json}}.
 *
 * <p>Run: {@code src/bench/run ParallelTrialsBenchmark [rounds]}
 */
public final class ParallelTrialsBenchmark {
    private static final Path SPECS = Path.of("experiments", "bench");
    private static final String WORKLOAD = "parallel-trials";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int cores = Runtime.getRuntime().availableProcessors();
        List<Map<String, Object>> measurements = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int[] order = round % 2 == 0 ? new int[] {1, 2} : new int[] {2, 1};
            for (int parallel : order) {
                // Same total threads on both sides: one trial on every core, or one core per worker.
                int threads = parallel == 1 ? cores : 1;
                Path results = Files.createTempDirectory("bench-parallel");
                long t0 = System.nanoTime();
                int exit = run(results, parallel, threads);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (exit != 0) throw new IllegalStateException("benchmark run failed with exit " + exit);
                JsonNode summary = Json.MAPPER.readTree(results.resolve(WORKLOAD).resolve("summary.json").toFile());
                int trials = summary.get("trials_recorded").asInt();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("round", round + 1);
                m.put("parallel", parallel);
                m.put("threads_per_trial", threads);
                m.put("trials", trials);
                m.put("wall_s", seconds);
                m.put("trials_per_hour", trials / seconds * 3600);
                measurements.add(m);
                System.out.printf(Locale.ROOT, "round %d, --parallel %d (%d thread(s) per trial): %d trials in %.1f s = %.0f trials/hour%n",
                        round + 1, parallel, threads, trials, seconds, trials / seconds * 3600);
            }
        }
        write(measurements, rounds, cores);
    }

    private static int run(Path results, int parallel, int threads) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Repro.class.getName(),
                "--experiments-dir", SPECS.toString(), "--results-dir", results.toString(), "run", WORKLOAD,
                "--parallel", String.valueOf(parallel), "--threads", String.valueOf(threads)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(results.resolve("log.txt").toFile());
        pb.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        return pb.start().waitFor();
    }

    private static void write(List<Map<String, Object>> measurements, int rounds, int cores) throws IOException {
        double p1 = median(measurements, 1), p2 = median(measurements, 2);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "parallel-trials");
        out.put("workload", "experiments/bench/" + WORKLOAD + ".json: 4 trials of 3072-250-10, batch 256, 400 SGD updates, CIFAR-10 49,000 train");
        out.put("cores", cores);
        out.put("rounds", rounds);
        out.put("measurements", measurements);
        out.put("median_trials_per_hour_parallel_1", p1);
        out.put("median_trials_per_hour_parallel_2", p2);
        out.put("speedup_parallel_2", p2 / p1);
        out.put("nd4j", JarVersion.of(Nd4j.class, "nd4j-api"));
        StringBuilder md = new StringBuilder("# Parallel trials: --parallel 1 against --parallel 2\n\n");
        md.append("Workload: ").append(out.get("workload")).append(". Each measurement is a fresh JVM (data loading included, ")
                .append("as in a real search); the two sides alternate round by round. ").append(cores).append(" cores.\n\n");
        md.append("| round | --parallel | threads per trial | trials | wall s | trials/hour |\n|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> m : measurements) {
            md.append(String.format(Locale.ROOT, "| %d | %d | %d | %d | %.1f | %.0f |%n", m.get("round"), m.get("parallel"),
                    m.get("threads_per_trial"), m.get("trials"), (double) m.get("wall_s"), (double) m.get("trials_per_hour")));
        }
        md.append(String.format(Locale.ROOT, "%nMedian trials/hour: --parallel 1 %.0f, --parallel 2 %.0f, ratio %.2f.%n", p1, p2, p2 / p1));
        md.append("\nRegenerate: `src/bench/run ParallelTrialsBenchmark ").append(rounds).append("`\n");
        BenchmarkFiles.write("parallel-trials", out, md.toString());
    }

    private static double median(List<Map<String, Object>> ms, int parallel) {
        return Alternation.median(ms.stream().filter(m -> (int) m.get("parallel") == parallel)
                .mapToDouble(m -> (double) m.get("trials_per_hour")).toArray());
    }
}
