package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.cli.UserError;
import dl4jrepro.results.ResultsStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Before and after one of this project's faster implementations: training samples/s with the hyperparameter that
 * selects it set to DL4J's own ("dl4j") and to ours ("fast"), in turns in one JVM, on each model the switch names, at
 * the model's thread count. The switches are data (experiments/bench/switches.json); the models come from the peer
 * workload (peer-models.json) and adam-models.json. Writes {@code results/benchmarks/<switch>.{md,json}}.
 *
 * <p>Run: {@code REPRO_MAIN=dl4jrepro.bench.SwitchBenchmark ./repro <switch> [rounds]}, e.g. {@code fast-adam 5}.
 */
public final class SwitchBenchmark {
    record Switch(String title, String key, List<String> values, List<String> models) {}

    record Switches(String about, Map<String, Switch> switches) {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, SwitchBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        Path benches = Path.of("experiments", "bench");
        Map<String, Switch> all = ResultsStore.JSON.readValue(benches.resolve("switches.json").toFile(), Switches.class).switches();
        if (args.length < 1 || !all.containsKey(args[0])) {
            throw new UserError("name a switch to benchmark: one of " + all.keySet() + " (experiments/bench/switches.json)");
        }
        String name = args[0];
        Switch sw = all.get(name);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Map<String, PeerBenchmark.PeerModel> models = new LinkedHashMap<>();
        for (String file : List.of("peer-models.json", "adam-models.json")) {
            for (PeerBenchmark.PeerModel m : ResultsStore.JSON.readValue(benches.resolve(file).toFile(),
                    PeerBenchmark.Workload.class).models()) {
                models.put(m.name(), m);
            }
        }
        StringBuilder md = new StringBuilder("# " + sw.title() + "\n\n");
        md.append(String.format(Locale.ROOT, "Training samples/s with `%s` set to each value (one fixed random minibatch per "
                + "step, data loading excluded), %d rounds per model, the sides in turns. Only the ratio within a round "
                + "compares them.%n%n| model | batch | threads |", sw.key(), rounds));
        for (String v : sw.values()) md.append(" ").append(v).append(" samples/s (median) |");
        md.append(" ratio ").append(sw.values().get(sw.values().size() - 1)).append(" / ").append(sw.values().get(0))
                .append(" (median) | ratio range |\n|---|---:|---:|").append("---:|".repeat(sw.values().size())).append("---:|---|\n");
        List<Map<String, Object>> rows = new ArrayList<>();
        String backendLine = "";
        for (String modelName : sw.models()) {
            PeerBenchmark.PeerModel m = models.get(modelName);
            if (m == null) throw new UserError(name + ": no model " + modelName + " in " + benches + " (peer-models.json, adam-models.json)");
            BackendInfo backend = BackendSelector.select("cpu", m.threads());
            backendLine = backend.oneLine();
            List<Alternation.Side> sides = Alternation.variants(m.name(), m.family(), m.hyperparameters(), m.shape(),
                    m.classes(), sw.key(), sw.values(), rounds);
            Alternation.Side last = sides.get(sides.size() - 1);
            md.append(String.format(Locale.ROOT, "| %s | %s | %d |", m.name(), m.hyperparameters().get("batch"), m.threads()));
            for (Alternation.Side s : sides) md.append(String.format(Locale.ROOT, " %.0f |", s.median()));
            md.append(String.format(Locale.ROOT, " %.2f | %.2f – %.2f |%n", last.medianRatio(), last.ratioMin(), last.ratioMax()));
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", m.name());
            row.put("threads", m.threads());
            row.put("sides", sides);
            rows.add(row);
        }
        md.append("\nBackend: ").append(backendLine).append(" (thread count per row).\n\nRegenerate: "
                + "`REPRO_MAIN=dl4jrepro.bench.SwitchBenchmark ./repro ").append(name).append(" ").append(rounds).append("`\n");
        Map<String, Object> out = BenchmarkFiles.figures(name, "training samples/s with " + sw.key() + " = " + sw.values()
                + ", in turns", backendLine);
        out.put("key", sw.key());
        out.put("rounds", rounds);
        out.put("models", rows);
        BenchmarkFiles.write(name, out, md.toString());
    }
}
