package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.results.ResultsStore;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Before and after {@link dl4jrepro.layers.FastConv}: training samples/s of the peer benchmark's MNIST CNN
 * (experiments/bench/peer-models.json, batch norm after each convolution) with DL4J's convolution layer
 * ({@code convLayer} "dl4j") and with FastConv ("fast"), in turns in one JVM, at the model's thread count. Writes
 * {@code results/benchmarks/fast-conv.{md,json}}.
 *
 * <p>Run: {@code REPRO_MAIN=dl4jrepro.bench.FastConvBenchmark ./repro [rounds]}
 */
public final class FastConvBenchmark {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        PeerBenchmark.PeerModel m = ResultsStore.JSON.readValue(Path.of("experiments", "bench", "peer-models.json").toFile(),
                PeerBenchmark.Workload.class).models().stream().filter(p -> p.name().equals("mnist_cnn")).findFirst().orElseThrow();
        BackendInfo backend = BackendSelector.select("cpu", m.threads());
        List<Alternation.Side> sides = Alternation.variants(m.name(), m.family(), m.hyperparameters(), m.shape(), m.classes(),
                "convLayer", List.of("dl4j", "fast"), rounds);
        Alternation.Side fast = sides.get(1);
        String md = String.format(java.util.Locale.ROOT, "# Skipping the convolution DL4J's backward pass wastes: FastConv%n%n"
                + "Training samples/s of the peer benchmark's MNIST CNN (batch %s, one fixed random minibatch per step), %d "
                + "thread(s), %d rounds, the two sides in turns; %s. Only the ratio within a round compares them.%n%n"
                + "| DL4J's convolution samples/s (median) | FastConv samples/s (median) | ratio (median) | ratio range |%n"
                + "|---:|---:|---:|---|%n| %.0f | %.0f | %.2f | %.2f – %.2f |%n%nRegenerate: "
                + "`REPRO_MAIN=dl4jrepro.bench.FastConvBenchmark ./repro %d`%n", m.hyperparameters().get("batch"), m.threads(),
                rounds, backend.oneLine(), sides.get(0).median(), fast.median(), fast.medianRatio(), fast.ratioMin(),
                fast.ratioMax(), rounds);
        Map<String, Object> out = BenchmarkFiles.figures("fast-conv", "training samples/s of the MNIST CNN with DL4J's "
                + "convolution layer and with FastConv, in turns", backend.oneLine());
        out.put("rounds", rounds);
        out.put("sides", sides);
        BenchmarkFiles.write("fast-conv", out, md);
    }
}
