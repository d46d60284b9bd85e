package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Before and after this project's faster implementations: training samples/s under each speed-up setting the switch
 * names (e.g. {@code -pool} against {@code on}: every speed-up but pooling's, then all of them; or {@code off} against
 * {@code on}), in turns in one JVM, on each model the switch names, at the model's thread count. The switches are data
 * (experiments/bench/switches.json); the models come from peer-models.json, updater-models.json and the catalogue's
 * own models (catalogue-models.json, built from their specs). Writes {@code results/benchmarks/<switch>.{md,json}}.
 *
 * <p>Run: {@code src/bench/run SwitchBenchmark <switch> [rounds]}, e.g. {@code fast-adam 5}.
 */
public final class SwitchBenchmark {
    record Switch(String title, List<String> speedups, List<String> models) {}

    record Switches(String about, Map<String, Switch> switches) {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, SwitchBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        Path benches = Path.of("experiments", "bench");
        Map<String, Switch> all = Json.MAPPER.readValue(benches.resolve("switches.json").toFile(), Switches.class).switches();
        if (args.length < 1 || !all.containsKey(args[0])) {
            throw new UserError("name a switch to benchmark: one of " + all.keySet() + " (experiments/bench/switches.json)");
        }
        String name = args[0];
        Switch sw = all.get(name);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Map<String, PeerBenchmark.PeerModel> models = new LinkedHashMap<>();
        for (String file : List.of("peer-models.json", "updater-models.json")) {
            for (PeerBenchmark.PeerModel m : Json.MAPPER.readValue(benches.resolve(file).toFile(),
                    PeerBenchmark.Workload.class).models()) {
                models.put(m.name(), m);
            }
        }
        for (PeerBenchmark.PeerModel m : PeerBenchmark.Workload.read(PeerBenchmark.Workload.CATALOGUE).models()) {
            models.put(m.name(), m);
        }
        StringBuilder md = new StringBuilder("# " + sw.title() + "\n\n");
        md.append(String.format(Locale.ROOT, "Training samples/s with speed-ups (`--speedups`) set to each of %s (one fixed "
                + "random minibatch per step, data loading excluded), %d rounds per model, the sides in turns. Only the "
                + "ratio within a round compares them.%n%n| model | batch | threads |", sw.speedups(), rounds));
        for (String v : sw.speedups()) md.append(" `").append(v).append("` samples/s (median) |");
        md.append(" ratio `").append(sw.speedups().get(sw.speedups().size() - 1)).append("` / `").append(sw.speedups().get(0))
                .append("` (median) | ratio range |\n|---|---:|---:|").append("---:|".repeat(sw.speedups().size())).append("---:|---|\n");
        List<Map<String, Object>> rows = new ArrayList<>();
        String backendLine = "";
        for (String modelName : sw.models()) {
            PeerBenchmark.PeerModel m = models.get(modelName);
            if (m == null) throw new UserError(name + ": no model " + modelName + " in " + benches + " (peer-models.json, updater-models.json, catalogue-models.json)");
            BackendInfo backend = BackendSelector.select("cpu", m.threads());
            backendLine = backend.oneLine();
            List<Alternation.Side> sides = Alternation.speedupVariants(m.name(), m.family(), m.hyperparameters(), m.shape(),
                    m.classes(), backend, sw.speedups(), rounds);
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
                + "`src/bench/run SwitchBenchmark ").append(name).append(" ").append(rounds).append("`\n");
        Map<String, Object> out = BenchmarkFiles.figures(name, "training samples/s with speed-ups " + sw.speedups()
                + ", in turns", backendLine);
        out.put("speedups", sw.speedups());
        out.put("rounds", rounds);
        out.put("models", rows);
        BenchmarkFiles.write(name, out, md.toString());
    }
}
