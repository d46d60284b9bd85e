package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.base.Json;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.speedups.Speedups;
import dl4jrepro.train.TrainingStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Before and after {@link dl4jrepro.speedups.FastDense}, change by change: training samples/s of the dense models of the
 * peer benchmark (experiments/bench/peer-models.json) with DL4J's own dense layer (speed-ups {@code -dense}), with
 * FastDense keeping the forward pass but still computing every input gradient (the first change alone), and with
 * FastDense as the speed-up pass sets it up for training (also no input gradient for the first layer), in turns in one
 * JVM; every other speed-up on, and each side trained by DL4J's fit. Writes
 * {@code results/benchmarks/fast-dense.{md,json}}.
 *
 * <p>Run: {@code src/bench/run FastDenseBenchmark [rounds]}
 */
public final class FastDenseBenchmark {
    private static final List<String> MODELS = List.of("two_layer_50", "two_layer_250", "deep_mlp_bn_dropout");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        BackendInfo backend = BackendSelector.select("cpu", 1);
        PeerBenchmark.Workload workload = Json.MAPPER.readValue(Path.of("experiments", "bench", "peer-models.json").toFile(),
                PeerBenchmark.Workload.class);
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Skipping the products DL4J repeats or throws away: FastDense against DL4J's dense layer\n\n");
        md.append("Training samples/s (one fixed random minibatch per step, data loading excluded), 1 thread, ").append(rounds)
                .append(" rounds per model, the three sides in turns (the order rotating); ").append(backend.oneLine())
                .append(". Only the ratios within a round compare the sides. Columns: DL4J's own dense layer; FastDense "
                        + "keeping the forward pass's pre-activation (change 1); FastDense also skipping the first layer's "
                        + "input gradient (change 2, as the speed-up pass sets it up for training).\n\n| model | DL4J's dense samples/s | change 1 "
                        + "samples/s | changes 1+2 samples/s | change 1 / DL4J (median, range) | changes 1+2 / DL4J (median, range) |"
                        + "\n|---|---:|---:|---:|---|---|\n");
        for (PeerBenchmark.PeerModel m : workload.models()) {
            if (!MODELS.contains(m.name())) continue;
            var conf = Alternation.configuration(m.name(), m.family(), m.hyperparameters(), m.shape(), m.classes());
            // Every other speed-up on, each side trained by DL4J's fit: only the dense layers differ.
            List<MultiLayerNetwork> nets = List.of(
                    Speedups.prepare(conf, backend, SpeedupSetting.parse("-dense", "fast-dense")).net(),
                    Speedups.prepareKeepingInputGradients(conf, backend, SpeedupSetting.ON).net(),
                    Speedups.prepare(conf, backend, SpeedupSetting.ON).net());
            INDArray[] xy = Alternation.randomBatch(new Hyperparameters(m.name(), m.hyperparameters()).getInt("batch"),
                    m.shape().features(), m.classes());
            List<Alternation.Side> sides = Alternation.run(m.name(), List.of("dl4j", "keep-forward", "keep-forward+no-input-gradient"),
                    nets.stream().<TrainingStep>map(net -> net::fit).toList(), xy[0], xy[1], rounds);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", m.name());
            row.put("sides", sides);
            rows.add(row);
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.2f (%.2f – %.2f) | %.2f (%.2f – %.2f) |%n", m.name(),
                    sides.get(0).median(), sides.get(1).median(), sides.get(2).median(), sides.get(1).medianRatio(),
                    sides.get(1).ratioMin(), sides.get(1).ratioMax(), sides.get(2).medianRatio(), sides.get(2).ratioMin(),
                    sides.get(2).ratioMax()));
        }
        md.append("\nRegenerate: `src/bench/run FastDenseBenchmark ").append(rounds).append("`\n");
        Map<String, Object> out = BenchmarkFiles.figures("fast-dense", "training samples/s with DL4J's dense layer and "
                + "with FastDense, in turns", backend.oneLine());
        out.put("rounds", rounds);
        out.put("models", rows);
        BenchmarkFiles.write("fast-dense", out, md.toString());
    }
}
