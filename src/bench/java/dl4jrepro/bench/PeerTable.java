package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.run.Provenance;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown of {@code results/benchmarks/latest.md} (or {@code peer-<models>.md}), from the figures
 * {@link PeerBenchmark} measured.
 */
final class PeerTable {
    private PeerTable() {}

    static String markdown(List<Map<String, Object>> rows, Map<String, Object> gemm, int pairs, int epochs,
                           BackendInfo backend, String args) {
        StringBuilder md = new StringBuilder("# DL4J against PyTorch and the GEMM limit\n\n");
        String models = rows.size() == 5 ? "Five models"
                : rows.size() == 1 ? "One of the five models" : rows.size() + " of the five models";
        md.append(String.format(Locale.ROOT, models + " with the reports' shapes, random data of those shapes, pre-batched in "
                + "memory. Per model the two sides take %d turns each, alternating (DL4J, PyTorch, PyTorch, DL4J, ...); a turn "
                + "is a warm-up epoch and %d timed epochs, its figure the median epoch. Ratio: DL4J over PyTorch training "
                + "samples/s within a pair, median and range over the pairs. Both sides run each model with the same thread "
                + "count (PyTorch's OpenBLAS capped by OPENBLAS_NUM_THREADS, which torch.set_num_threads does not reach); "
                + "cores busy, the check: CPU time over wall time of each side's turns, median (PyTorch: its whole process, "
                + "start-up included). This machine is shared and its speed swings 2–5×: compare only the ratios. DL4J: %s.%n%n",
                pairs, epochs, backend == null ? "?" : backend.oneLine()));
        md.append("| model | threads | DL4J train samples/s | PyTorch train samples/s | ratio DL4J/PyTorch (range) | target ≥ 1.0 "
                + "| DL4J infer samples/s | PyTorch infer samples/s | GEMM limit samples/s | DL4J / limit | PyTorch / limit "
                + "| cores busy (DL4J / PyTorch) | peak RSS MB (DL4J JVM / PyTorch) |\n"
                + "|---|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---|---|\n");
        for (Map<String, Object> r : rows) {
            double dl4j = d(r, "dl4j_train_median"), torch = d(r, "pytorch_train_median"), ratio = d(r, "ratio_median");
            Double limit = r.get("gemm_limit_samples_per_s") instanceof Number n ? n.doubleValue() : null;
            md.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %.2f (%.2f–%.2f) | %s | %,.0f | %,.0f | %s | %s | %s | %.2f / %.2f | %.0f / %.0f |%n",
                    r.get("model"), (int) r.get("threads"), dl4j, torch, ratio, d(r, "ratio_min"), d(r, "ratio_max"),
                    ratio >= 1.0 ? "met" : String.format(Locale.ROOT, "MISSED by %.0f %%", 100 * (1 - ratio)),
                    d(r, "dl4j_infer_median"), d(r, "pytorch_infer_median"),
                    limit == null ? "—" : String.format(Locale.ROOT, "%,.0f", limit),
                    limit == null ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * d(r, "dl4j_fraction_of_limit")),
                    limit == null ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * d(r, "pytorch_fraction_of_limit")),
                    d(r, "dl4j_cores_busy"), d(r, "pytorch_cores_busy"), d(r, "dl4j_peak_rss_mb"), d(r, "pytorch_peak_rss_mb")));
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
                + "dZ·Wᵀ except for the first layer) at its own shapes and batch, through ND4J, best of 3, measured right after each pair; "
                + "a side's share of it is the median over the pairs of its figure over that pair's limit. For orientation, one "
                + "square single-precision product (").append(gemm.get("n")).append("³):");
        gemm.forEach((k, v) -> {
            if (k.startsWith("gflops_")) {
                md.append(String.format(Locale.ROOT, " %.0f GFLOP/s with %s thread(s);", (double) v, k.split("_")[1]));
            }
        });
        md.append("\n");
        md.append("\nPeak RSS: DL4J, the benchmark JVM's resident memory after the model's turns (it holds every model run so far); "
                + "PyTorch, the peer process's maximum (its start-up included).\n");
        md.append("\nRegenerate: `src/bench/peer-benchmark.sh").append(args.isBlank() ? "" : " " + args).append("` (git ")
                .append(Provenance.software().get("git_commit")).append(")\n");
        return md.toString();
    }

    private static double d(Map<String, Object> r, String key) {
        return r.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
