package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.results.ResultsStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Before and after {@link dl4jrepro.layers.FastDense}: training samples/s of the dense models of the peer benchmark
 * (experiments/bench/peer-models.json) with DL4J's own dense layer ({@code denseLayer} "dl4j") and with the one that
 * keeps its forward pass ("fast"), in turns in one JVM. Writes {@code results/benchmarks/fast-dense.{md,json}}.
 *
 * <p>Run: {@code REPRO_MAIN=dl4jrepro.bench.FastDenseBenchmark ./repro [rounds]}
 */
public final class FastDenseBenchmark {
    private static final List<String> MODELS = List.of("two_layer_50", "two_layer_250", "deep_mlp_bn_dropout");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        BackendInfo backend = BackendSelector.select("cpu", 1);
        PeerBenchmark.Workload workload = ResultsStore.JSON.readValue(Path.of("experiments", "bench", "peer-models.json").toFile(),
                PeerBenchmark.Workload.class);
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Keeping the forward pass: FastDense against DL4J's dense layer\n\n");
        md.append("Training samples/s (one fixed random minibatch per step, data loading excluded), 1 thread, ").append(rounds)
                .append(" rounds per model, the two sides in turns; ").append(backend.oneLine())
                .append(". Only the ratio within a round compares the sides.\n\n| model | DL4J's dense samples/s (median) | "
                        + "FastDense samples/s (median) | ratio (median) | ratio range |\n|---|---:|---:|---:|---|\n");
        for (PeerBenchmark.PeerModel m : workload.models()) {
            if (!MODELS.contains(m.name())) continue;
            List<Alternation.Side> sides = Alternation.variants(m.name(), m.family(), m.hyperparameters(), m.shape(),
                    m.classes(), "denseLayer", List.of("dl4j", "fast"), rounds);
            Alternation.Side dl4j = sides.get(0), fast = sides.get(1);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", m.name());
            row.put("sides", sides);
            rows.add(row);
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.2f – %.2f |%n", m.name(), dl4j.median(),
                    fast.median(), fast.medianRatio(), fast.ratioMin(), fast.ratioMax()));
        }
        md.append("\nRegenerate: `REPRO_MAIN=dl4jrepro.bench.FastDenseBenchmark ./repro ").append(rounds).append("`\n");
        Map<String, Object> out = BenchmarkFiles.figures("fast-dense", "training samples/s with DL4J's dense layer and "
                + "with FastDense, in turns", backend.oneLine());
        out.put("rounds", rounds);
        out.put("models", rows);
        BenchmarkFiles.write("fast-dense", out, md.toString());
    }
}
