package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.Families;
import dl4jrepro.run.Provenance;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.speedups.OneDnnHelpers;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training samples/s with DL4J's layers on oneDNN against DL4J's own implementations, for the models of the catalogue
 * where it matters: the MNIST CNN of report 003 and a batch-norm MLP of report 001. Both sides live in one JVM (the
 * helpers are chosen when a layer is created) and take turns, measurement by measurement, because this machine's speed
 * swings within minutes; the figure is the median of the per-pair ratios. Writes
 * {@code results/benchmarks/onednn-helpers.{md,json}}.
 *
 * <p>Run: {@code src/bench/run OneDnnBenchmark [pairs] [threads]}
 */
public final class OneDnnBenchmark {
    private static final List<String> MODELS = List.of("mnist-cnn-003", "deep-mlp-grid-001");

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        BackendInfo backend = BackendSelector.select("cpu", threads);
        SpecCatalog specs = new SpecCatalog(Path.of("experiments"));
        List<Map<String, Object>> results = new ArrayList<>();
        for (String id : MODELS) {
            ExperimentSpec spec = specs.load(id);
            Hyperparameters hp = new Hyperparameters(id, spec.hyperparameters());
            InputShape shape = InputShape.of(spec.data());
            int batch = hp.getInt("batch");
            var conf = Families.byName(spec.family()).configure(hp, shape, 10, 1, 100);
            MultiLayerNetwork oneDnn = OneDnnHelpers.network(conf.clone(), true),
                    own = OneDnnHelpers.network(conf.clone(), false);
            INDArray x = Nd4j.rand(DataType.FLOAT, batch, shape.features()).subi(0.5f);
            INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
            for (int i = 0; i < batch; i++) y.putScalar(i, i % 10, 1f);
            Alternation.Side fast = null, slow = null;
            for (Alternation.Side side : Alternation.run(id, List.of("oneDNN", "DL4J's own"), List.of(oneDnn::fit, own::fit), x, y, pairs)) {
                if (fast == null) fast = side;
                else slow = side;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", id + " (" + spec.family() + ", " + oneDnn.numParams() + " parameters, batch " + batch + ")");
            r.put("onednn_samples_per_s", fast.samplesPerSecond());
            r.put("own_samples_per_s", slow.samplesPerSecond());
            r.put("median_onednn", fast.median());
            r.put("median_own", slow.median());
            // oneDNN over DL4J's own: the inverse of the slow side's ratio to the first (oneDNN) side, round by round.
            double[] ratio = Arrays.stream(slow.ratioToFirst()).map(v -> 1 / v).toArray();
            r.put("median_ratio", Alternation.median(ratio));
            r.put("ratio_min", Arrays.stream(ratio).min().orElse(Double.NaN));
            r.put("ratio_max", Arrays.stream(ratio).max().orElse(Double.NaN));
            results.add(r);
        }
        write(results, pairs, threads, backend);
    }

    private static void write(List<Map<String, Object>> results, int pairs, int threads, BackendInfo backend) throws Exception {
        Map<String, Object> out = BenchmarkFiles.figures("onednn-helpers", "training samples/s (fit on one fixed random "
                + "minibatch) with DL4J's layer helpers on oneDNN vs DL4J's own layer implementations, alternating in one JVM",
                backend.oneLine());
        out.put("pairs", pairs);
        out.put("threads", threads);
        out.put("results", results);
        StringBuilder md = new StringBuilder("# oneDNN layer helpers against DL4J's own layers\n\n");
        md.append("Training samples/s, one fixed random minibatch per step (data loading excluded), ").append(threads)
                .append(" thread(s), ").append(pairs).append(" alternating pairs per model; backend: ")
                .append(backend.oneLine()).append(". The machine is shared and its speed swings; only the per-pair ratios ")
                .append("compare the two sides.\n\n");
        md.append("| model | oneDNN samples/s (median) | DL4J's own (median) | ratio (median of pairs) | ratio range |\n")
                .append("|---|---:|---:|---:|---|\n");
        for (Map<String, Object> r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %.2f – %.2f |%n", r.get("model"),
                    (double) r.get("median_onednn"), (double) r.get("median_own"), (double) r.get("median_ratio"),
                    (double) r.get("ratio_min"), (double) r.get("ratio_max")));
        }
        md.append("\nRegenerate: `src/bench/run OneDnnBenchmark ").append(pairs).append(' ')
                .append(threads).append("` (git ").append(Provenance.software().get("git_commit")).append(")\n");
        BenchmarkFiles.write("onednn-helpers", out, md.toString());
    }

}
