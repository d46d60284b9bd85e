package dl4jrepro.bench;

import dl4jrepro.backend.BlasLibrary;
import dl4jrepro.run.Provenance;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Markdown of {@code results/benchmarks/latest.md} (or {@code peer-<models>.md}), from the figures
 * {@link PeerBenchmark} measured.
 */
final class PeerTable {
    private PeerTable() {}

    static String markdown(List<Map<String, Object>> rows, Map<String, Object> gemm, Map<String, Object> peerSquare,
                           int pairs, int epochs, String kernels, Map<String, String> idle, Path workload,
                           String args, String cpu) {
        StringBuilder md = new StringBuilder("# DL4J against PyTorch and the GEMM limit\n\n");
        md.append(String.format(Locale.ROOT, "%d models of `%s`, each built from its experiment's spec as its runs train it, "
                + "on random data of its shape, pre-batched in memory. Per model the two sides take %d turns each, "
                + "alternating (DL4J, PyTorch, PyTorch, DL4J, ...); a turn is a process of its own, a warm-up epoch and %d "
                + "timed epochs, its figure the median epoch. Ratio: DL4J over PyTorch training samples/s within a pair, "
                + "median and range over the pairs. Both sides run each model with the same thread count (PyTorch's "
                + "BLAS capped by OPENBLAS_NUM_THREADS and MKL_NUM_THREADS, which torch.set_num_threads does not reach); "
                + "cores busy, the check: CPU time over wall time of each side's epochs, median. Each side's BLAS is "
                + "named below the table. Kernels, where a side runs OpenBLAS: %s. Idle threads, on both sides "
                + "(./repro's native environment, src/main/jvm/native-env.sh): %s. This machine is shared and its speed "
                + "swings 2–5×: compare only the ratios.%n%n",
                rows.size(), workload, pairs, epochs, switch (kernels) {
                    case "auto" -> "the kernels of the processor's instruction set ("
                            + BlasLibrary.instructionSetKernels().orElse("none named: detected") + "; "
                            + "detection falls back to generic kernels on processors newer than the library)";
                    case "detected" -> "detected by the library (the environment's OPENBLAS_CORETYPE and "
                            + "OPENBLAS_L2_SIZE are taken out of both sides)";
                    default -> "the environment's OPENBLAS_* variables, kept on both sides";
                },
                idle.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "))));
        // The processor matters beyond the machine's noise: another generation under the same name moved the ratios.
        // Its device alone: the backend line's thread count is the last model's, and each row gives its own.
        if (cpu != null) md.append("CPU: ").append(cpu).append(".\n\n");
        md.append("| model | threads | DL4J train samples/s | PyTorch train samples/s | ratio DL4J/PyTorch (range) | target ≥ 1.0 "
                + "| DL4J infer samples/s | PyTorch infer samples/s | GEMM limit samples/s | DL4J / limit | PyTorch / limit "
                + "| cores busy (DL4J / PyTorch) | peak RSS MB (DL4J / PyTorch) | RSS ratio | target ≤ 1.5 |\n"
                + "|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---|---|---:|---|\n");
        for (Map<String, Object> r : rows) {
            double dl4j = d(r, "dl4j_train_median"), torch = d(r, "pytorch_train_median"), ratio = d(r, "ratio_median");
            double rss = d(r, "rss_ratio");
            Double limit = r.get("gemm_limit_samples_per_s") instanceof Number n ? n.doubleValue() : null;
            md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %.2f (%.2f–%.2f) | %s | %,.0f | %,.0f | %s | %s | %s | %.2f / %.2f | %.0f / %.0f | %.2f | %s |%n",
                    r.get("model"), (int) r.get("threads"), dl4j, torch, ratio, d(r, "ratio_min"), d(r, "ratio_max"),
                    ratio >= 1.0 ? "met" : String.format(Locale.ROOT, "MISSED by %.0f %%", 100 * (1 - ratio)),
                    d(r, "dl4j_infer_median"), d(r, "pytorch_infer_median"),
                    limit == null ? "—" : String.format(Locale.ROOT, "%,.0f", limit),
                    limit == null ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * d(r, "dl4j_fraction_of_limit")),
                    limit == null ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * d(r, "pytorch_fraction_of_limit")),
                    d(r, "dl4j_cores_busy"), d(r, "pytorch_cores_busy"), d(r, "dl4j_peak_rss_mb"), d(r, "pytorch_peak_rss_mb"),
                    rss, rss <= 1.5 ? "met" : "MISSED"));
        }
        for (Map<String, Object> r : rows) {
            if (r.containsKey("dl4j_iterations_per_s")) {
                double it = d(r, "dl4j_iterations_per_s");
                md.append(String.format(Locale.ROOT, "%n%s: DL4J %,.0f iterations/s, PyTorch %,.0f (target ≥ 5,000 for DL4J: %s).%n",
                        r.get("model"), it, d(r, "pytorch_iterations_per_s"),
                        it >= 5000 ? "met" : String.format(Locale.ROOT, "MISSED, %.1f× short", 5000 / it)));
            }
        }
        md.append("\nGEMM limit: the dense model's matrix products alone (forward A·W, weight gradient Aᵀ·dZ, input gradient "
                + "dZ·Wᵀ except for the first layer) at its own shapes and batch, best of 3, measured right after each pair "
                + "through both sides' BLAS libraries, ND4J's and PyTorch's; the limit is the faster. A side's share of it is the "
                + "median over the pairs of its figure over that pair's limit. One square single-precision product (")
                .append(gemm.get("n")).append("³) through ND4J:");
        gemm.forEach((k, v) -> {
            if (k.startsWith("gflops_")) {
                md.append(String.format(Locale.ROOT, " %.0f GFLOP/s with %s thread(s);", (double) v, k.split("_")[1]));
            }
        });
        md.append(" through PyTorch at 1 thread:");
        peerSquare.forEach((k, v) -> md.append(String.format(Locale.ROOT, " %.0f GFLOP/s with %s kernels;",
                (double) ((Map<?, ?>) v).get("gflops_1_threads"), k)));
        md.append("\n\nBLAS of each side, as each process reported it:\n\n");
        Map<String, List<String>> modelsBySetup = rows.stream().collect(Collectors.groupingBy(
                r -> "DL4J: " + r.get("dl4j_blas") + "; PyTorch: " + r.get("pytorch_blas"), LinkedHashMap::new,
                Collectors.mapping(r -> String.valueOf(r.get("model")), Collectors.toList())));
        modelsBySetup.forEach((setup, models) -> md.append("- ").append(String.join(", ", models)).append(": ")
                .append(setup).append("\n"));
        md.append("\nPeak RSS: each side's process's maximum resident memory (/usr/bin/time), start-up included, the largest "
                + "over its turns; the DL4J process is a JVM with `./repro`'s options, holding this model only.\n");
        md.append("\nRegenerate: `src/bench/peer-benchmark.sh").append(args.isBlank() ? "" : " " + args).append("` (git ")
                .append(Provenance.software().get("git_commit")).append(")\n");
        return md.toString();
    }

    /** A row's figure, or NaN where it has none. */
    static double d(Map<String, Object> r, String key) {
        return r.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
