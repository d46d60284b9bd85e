package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.bench.PeerBenchmark.PeerModel;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.speedups.Speedups;
import dl4jrepro.train.Scores;
import dl4jrepro.train.TrainingStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How fast a trained model is scored, which every evaluation and final score of a run pays ({@link dl4jrepro.train.Scores}):
 * <ul>
 * <li>inference images/s over 5,000 examples scored all at once (what the scores did) against 128 at a time (what
 * they do for nets with convolutions), one {@code output} call per chunk;</li>
 * <li>a training-mode pass over one minibatch, as the batch-spread figures score it: on a DL4J clone of the network
 *     (what they did) against the network itself with its parameters put back afterwards (what they do).</li>
 * </ul>
 * Each on the catalogue models (catalogue-models.json) as their runs build them, with every speed-up, in turns (see
 * {@link Alternation}). Writes {@code results/benchmarks/scoring-chunk.{md,json}}.
 *
 * <p>Run: {@code src/bench/run ScoringChunkBenchmark [--rounds 3] [--models a,b] [--threads N]}. {@code --threads}
 * replaces each model's own thread count (a search's workers run one each); the figures then go to
 * {@code scoring-chunk-<N>-thread.{md,json}}, and with {@code --models} the names follow (dashed), so two runs side by side,
 * one model each, measure scoring as two one-thread workers do it, each the other's load.
 */
public final class ScoringChunkBenchmark {
    private static final int EXAMPLES = 5000;
    private static final List<Integer> CHUNKS = List.of(5000, 128);

    private ScoringChunkBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, ScoringChunkBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = BenchmarkFiles.options(args, "--rounds N, --models a,b, --threads N");
        int rounds = BenchmarkFiles.positiveInt(options, "rounds", 3);
        Integer threads = BenchmarkFiles.positiveInt(options, "threads", null);
        List<PeerModel> models = PeerBenchmark.Workload.read(PeerBenchmark.Workload.CATALOGUE).models()
                .stream().filter(m -> m.classes() != null && m.classes() > 0).toList();
        List<String> only = BenchmarkFiles.selectedModels(options, models.stream().map(PeerModel::name).toList());
        String name = BenchmarkFiles.withModels("scoring-chunk" + (threads == null ? "" : "-" + threads + "-thread"), only);
        BackendInfo backend = null;
        List<Map<String, Object>> rows = new ArrayList<>();
        StringBuilder md = new StringBuilder("# Scoring a trained network: examples at once, and the batch spread's copy\n\n");
        StringBuilder spread = new StringBuilder();
        for (PeerModel m : models) {
            if (only != null && !only.contains(m.name())) continue;
            int modelThreads = threads == null ? m.threads() : threads;
            backend = BackendSelector.select("cpu", modelThreads);
            MultiLayerNetwork net = Speedups.prepare(PeerBenchmark.plain(m), backend, SpeedupSetting.ON).net();
            INDArray[] xy = Alternation.randomBatch(EXAMPLES, m.shape().features(), m.classes());
            List<TrainingStep> chunked = CHUNKS.stream().<TrainingStep>map(c -> (x, y) -> score(net, x, c)).toList();
            List<Alternation.Side> chunks = Alternation.run(m.name() + " inference", CHUNKS.stream().map(c -> "chunk " + c).toList(),
                    chunked, xy[0], xy[1], rounds);
            int batch = new Hyperparameters(m.name(), m.hyperparameters()).getInt("batch");
            INDArray bx = xy[0].get(NDArrayIndex.interval(0, batch), NDArrayIndex.all());
            INDArray by = xy[1].get(NDArrayIndex.interval(0, batch), NDArrayIndex.all());
            // The clone is made once, as the old scoring made one per batch-spread call of many minibatches: the sides
            // differ in the layers each pass runs, not in the copying.
            MultiLayerNetwork clone = net.clone();
            List<Alternation.Side> modes = Alternation.run(m.name() + " training-mode pass", List.of("clone", "in place"),
                    List.of((x, y) -> clone.output(x, true), (x, y) -> Scores.perBatch(net, x, y, batch, 1, true)), bx, by, rounds);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", m.name());
            row.put("threads", modelThreads);
            row.put("batch", batch);
            row.put("inference", chunks);
            row.put("training_mode", modes);
            rows.add(row);
            if (rows.size() == 1) {
                md.append("Inference images/s over ").append(EXAMPLES).append(" random examples by the number scored at once, "
                        + "median over ").append(rounds).append(" rounds, the sides in turns; in brackets each over 5000 at once "
                        + "(median ratio within a round). Only the ratios compare.\n\n| model | threads |");
                for (int c : CHUNKS) md.append(" ").append(c).append(" |");
                md.append("\n|---|---:|").append("---:|".repeat(CHUNKS.size())).append('\n');
            }
            md.append("| ").append(m.name()).append(" | ").append(modelThreads).append(" |");
            for (Alternation.Side s : chunks) md.append(String.format(Locale.ROOT, " %.0f (%.2f) |", s.median(), s.medianRatio()));
            md.append('\n');
            spread.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f (%.2f – %.2f) |%n", m.name(), batch,
                    modes.get(0).median(), modes.get(1).median(), modes.get(1).medianRatio(), modes.get(1).ratioMin(),
                    modes.get(1).ratioMax()));
        }
        md.append("\nA training-mode pass over one minibatch (the batch-spread figures of runs whose train metric is the "
                        + "last batch), examples/s: on a DL4J clone of the network, which drops the oneDNN helpers its layers "
                        + "chose, against the network itself with its parameters restored afterwards.\n\n"
                        + "| model | batch | clone | in place | in place / clone (median, range) |\n|---|---:|---:|---:|---|\n")
                .append(spread);
        md.append("\nBackend: ").append(backend == null ? "none" : backend.oneLine()).append(" (threads per row).\n\n")
                .append("Regenerate: `src/bench/run ScoringChunkBenchmark").append(args.length > 0 ? " " + String.join(" ", args) : "")
                .append("`\n");
        Map<String, Object> out = BenchmarkFiles.figures(name, "inference examples/s by chunk size, and a "
                + "training-mode pass on a clone against in place", backend == null ? null : backend.oneLine());
        out.put("rounds", rounds);
        out.put("examples", EXAMPLES);
        out.put("models", rows);
        BenchmarkFiles.write(name, out, md.toString());
    }

    private static void score(MultiLayerNetwork net, INDArray x, int chunk) {
        for (long from = 0; from < x.rows(); from += chunk) {
            net.output(x.get(NDArrayIndex.interval(from, Math.min(x.rows(), from + chunk)), NDArrayIndex.all()), false);
        }
    }
}
