package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.data.InputShape;
import dl4jrepro.run.Provenance;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.Hyperparameters;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.speedups.SpeedupSetting;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training speed of catalogue E3's three batch-norm implementations (DL4J's BatchNormalization, the hand-written layer,
 * the SameDiff layer) in the net of custom-batchnorm-004-training, taking turns in one JVM. Writes
 * {@code results/benchmarks/batchnorm-layers.{md,json}}.
 *
 * <p>Run: {@code src/bench/run BatchNormLayersBenchmark [rounds]}
 */
public final class BatchNormLayersBenchmark {
    private static final String SPEC = "custom-batchnorm-004-training";
    private static final List<String> LAYERS = List.of("dl4j", "hand", "samediff");

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        BackendInfo backend = BackendSelector.select("cpu", 1);
        ExperimentSpec spec = new SpecCatalog(Path.of("experiments")).load(SPEC);
        int batch = new Hyperparameters(SPEC, spec.hyperparameters()).getInt("batch");
        List<Alternation.Side> sides = Alternation.hyperparameterVariants(SPEC, spec.family(), spec.hyperparameters(),
                InputShape.of(spec.data()), 10, backend, SpeedupSetting.parse(spec.speedups(), SPEC), "batchNormLayer",
                LAYERS, rounds);

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
        md.append("\nRegenerate: `src/bench/run BatchNormLayersBenchmark ").append(rounds)
                .append("` (git ").append(Provenance.software().get("git_commit")).append(")\n");
        BenchmarkFiles.write("batchnorm-layers", out, md.toString());
    }
}
