package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.data.InputShape;
import dl4jrepro.families.Families;
import dl4jrepro.run.Provenance;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training speed of catalogue E3's three batch-norm implementations (DL4J's BatchNormalization, the hand-written layer,
 * the SameDiff layer) in the net of custom-batchnorm-004-training, taking turns in one JVM. Writes
 * {@code results/benchmarks/batchnorm-layers.{md,json}}.
 *
 * <p>Run: {@code REPRO_MAIN=dl4jrepro.bench.BatchNormLayersBenchmark ./repro [rounds]}
 */
public final class BatchNormLayersBenchmark {
    private static final String SPEC = "custom-batchnorm-004-training";
    private static final List<String> LAYERS = List.of("dl4j", "hand", "samediff");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        BackendInfo backend = BackendSelector.select("cpu", 1);
        ExperimentSpec spec = new SpecCatalog(Path.of("experiments")).load(SPEC);
        InputShape shape = InputShape.of(spec.data());
        List<MultiLayerNetwork> nets = new ArrayList<>();
        int batch = 0;
        for (String layer : LAYERS) {
            Map<String, Object> values = new LinkedHashMap<>(spec.hyperparameters());
            values.put("batchNormLayer", layer);
            Hyperparameters hp = new Hyperparameters(SPEC, values);
            batch = hp.getInt("batch");
            MultiLayerNetwork net = new MultiLayerNetwork(Families.byName(spec.family()).configure(hp, shape, 10, 1, 100));
            net.init();
            nets.add(net);
        }
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, shape.features()).subi(0.5f);
        INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
        for (int i = 0; i < batch; i++) y.putScalar(i, i % 10, 1f);
        List<Alternation.Side> sides = Alternation.run(SPEC, LAYERS, nets, x, y, rounds);

        Map<String, Object> out = BenchmarkFiles.figures("batchnorm-layers", "training samples/s of " + SPEC
                + "'s net (fit on one fixed random minibatch of " + batch + ") with each batch-norm implementation, in turns",
                backend.oneLine());
        out.put("rounds", rounds);
        out.put("sides", sides);
        StringBuilder md = new StringBuilder("# Batch-norm implementations: training speed\n\n");
        md.append("Training samples/s of the net of `").append(SPEC).append("` (one fixed random minibatch of ").append(batch)
                .append(", data loading excluded), 1 thread, ").append(rounds).append(" rounds, the order rotating each round; ")
                .append(backend.oneLine()).append(". The machine is shared and its speed swings; the ratios within a round ")
                .append("compare the implementations.\n\n| batch norm | samples/s (median) | ratio to DL4J's own (median) | ratio range |\n|---|---:|---:|---|\n");
        for (Alternation.Side s : sides) {
            md.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f – %.2f |%n", s.name(), s.median(), s.medianRatio(),
                    s.ratioMin(), s.ratioMax()));
        }
        md.append("\nRegenerate: `REPRO_MAIN=dl4jrepro.bench.BatchNormLayersBenchmark ./repro ").append(rounds)
                .append("` (git ").append(Provenance.software().get("git_commit")).append(")\n");
        BenchmarkFiles.write("batchnorm-layers", out, md.toString());
    }
}
