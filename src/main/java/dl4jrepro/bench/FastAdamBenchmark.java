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
 * Before and after {@link dl4jrepro.families.FastAdam}: training samples/s with DL4J's Adam ({@code adamUpdater}
 * "dl4j") and with FastAdam ("fast"), in turns in one JVM, for every Adam model of the peer benchmark
 * (experiments/bench/peer-models.json) and two corners of report 004's grid (experiments/bench/adam-models.json), each
 * at its own thread count. Writes {@code results/benchmarks/fast-adam.{md,json}}.
 *
 * <p>Run: {@code REPRO_MAIN=dl4jrepro.bench.FastAdamBenchmark ./repro [rounds]}
 */
public final class FastAdamBenchmark {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<PeerBenchmark.PeerModel> models = new ArrayList<>();
        for (String file : List.of("peer-models.json", "adam-models.json")) {
            for (PeerBenchmark.PeerModel m : ResultsStore.JSON.readValue(Path.of("experiments", "bench", file).toFile(),
                    PeerBenchmark.Workload.class).models()) {
                if ("adam".equals(m.hyperparameters().get("optimizer"))) models.add(m);
            }
        }
        StringBuilder md = new StringBuilder("# Adam in one Java loop: FastAdam against DL4J's Adam\n\n");
        md.append("Training samples/s (one fixed random minibatch per step, data loading excluded), ").append(rounds)
                .append(" rounds per model, the two sides in turns. Only the ratio within a round compares them.\n\n")
                .append("| model | batch | threads | DL4J's Adam samples/s (median) | FastAdam samples/s (median) | ratio (median) "
                        + "| ratio range |\n|---|---:|---:|---:|---:|---:|---|\n");
        List<Map<String, Object>> rows = new ArrayList<>();
        String backendLine = "";
        for (PeerBenchmark.PeerModel m : models) {
            BackendInfo backend = BackendSelector.select("cpu", m.threads());
            backendLine = backend.oneLine();
            List<Alternation.Side> sides = Alternation.variants(m.name(), m.family(), m.hyperparameters(), m.shape(),
                    m.classes(), "adamUpdater", List.of("dl4j", "fast"), rounds);
            Alternation.Side fast = sides.get(1);
            md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.2f | %.2f – %.2f |%n", m.name(),
                    m.hyperparameters().get("batch"), m.threads(), sides.get(0).median(), fast.median(), fast.medianRatio(),
                    fast.ratioMin(), fast.ratioMax()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", m.name());
            row.put("threads", m.threads());
            row.put("sides", sides);
            rows.add(row);
        }
        md.append("\nBackend: ").append(backendLine).append(" (thread count per row).\n\nRegenerate: "
                + "`REPRO_MAIN=dl4jrepro.bench.FastAdamBenchmark ./repro ").append(rounds).append("`\n");
        Map<String, Object> out = BenchmarkFiles.figures("fast-adam", "training samples/s with DL4J's Adam and with "
                + "FastAdam, in turns", backendLine);
        out.put("rounds", rounds);
        out.put("models", rows);
        BenchmarkFiles.write("fast-adam", out, md.toString());
    }
}
