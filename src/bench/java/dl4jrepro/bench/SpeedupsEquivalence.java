package dl4jrepro.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The same experiments run by different code, figure by figure: the code before the speed-up pass existed, the pass
 * with every speed-up ({@code --speedups on}) and with none ({@code off}). Reads the results folders that
 * src/bench/speedups-equivalence.sh fills (one per side, same seeds) and writes
 * {@code results/benchmarks/speedups-equivalence.{md,json}}: for single runs the final test and training metrics, for
 * searches each trial's, for checks each network's largest relative error, and the substitutions each side recorded.
 *
 * <p>Run: {@code src/bench/run SpeedupsEquivalence DIR ID...}, with DIR holding {@code before/}, {@code on/}, {@code off/}.
 */
public final class SpeedupsEquivalence {
    static final List<String> SIDES = List.of("before", "on", "off");

    private SpeedupsEquivalence() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, SpeedupsEquivalence::run);
    }

    /** One measured quantity of one experiment, by side (null where a side has no record). */
    record Row(String experiment, String quantity, Map<String, Double> bySide) {}

    private static void run(String[] args) throws Exception {
        if (args.length < 2) throw new UserError("usage: SpeedupsEquivalence DIR ID... (DIR holds before/, on/, off/)");
        Path dir = Path.of(args[0]);
        List<Row> rows = new ArrayList<>();
        Map<String, Map<String, String>> code = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            String id = args[i];
            Map<String, Map<String, Double>> byQuantity = new LinkedHashMap<>();
            for (String side : SIDES) {
                Path results = find(dir.resolve(side), id);
                if (results == null) continue;
                for (Map.Entry<String, Double> q : quantities(results).entrySet()) {
                    byQuantity.computeIfAbsent(q.getKey(), k -> new LinkedHashMap<>()).put(side, q.getValue());
                }
                code.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(side, substitutions(results));
            }
            byQuantity.forEach((q, v) -> rows.add(new Row(id, q, v)));
        }
        StringBuilder md = new StringBuilder("# The speed-up pass: the same experiments before it, with it on and with it off\n\n");
        md.append("Each experiment was run three times with the same seed and data: by the code before the speed-up pass "
                + "existed (`before`, whose defaults were this project's faster layers), and by today's code with "
                + "`--speedups on` and `--speedups off` (DL4J's own code throughout). `on − before` is zero where the "
                + "pass swaps in what the old defaults used; `off − on` is how far DL4J's own code lands from ours after "
                + "a whole training run, where float rounding in another order compounds over thousands of steps (the "
                + "equivalence tests compare the two over 3 to 5 steps, to 1e-5 or closer). Beside a run's figures, the "
                + "range of its test loss over its last " + LAST + " evaluations shows how far a figure moves within one "
                + "run once training is near its end: differences of that size say only that two trajectories parted.\n\n");
        for (String side : SIDES) md.append("- `").append(side).append("`: git ").append(commits(dir.resolve(side))).append('\n');
        md.append("\n| experiment | quantity | before | on | off | on − before | off − on |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            Double b = r.bySide().get("before"), on = r.bySide().get("on"), off = r.bySide().get("off");
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", r.experiment(), r.quantity(),
                    fmt(b), fmt(on), fmt(off), diff(on, b), diff(off, on)));
        }
        md.append("\n## What each side computed with\n\n| experiment | side | substitutions |\n|---|---|---|\n");
        code.forEach((id, bySide) -> bySide.forEach((side, what) ->
                md.append("| ").append(id).append(" | ").append(side).append(" | ").append(what).append(" |\n")));
        List<String> before = commits(dir.resolve("before"));
        md.append("\nRegenerate: `src/bench/speedups-equivalence.sh --before ")
                .append(before.isEmpty() ? "COMMIT" : before.get(0)).append("` (the runs into /tmp/speedups-equivalence, "
                + "about an hour on 2 cores, then this table: `src/bench/run SpeedupsEquivalence DIR ID...`)\n");
        Map<String, Object> out = BenchmarkFiles.figures("speedups-equivalence", "the same experiments before the "
                + "speed-up pass, with it on and off: figures side by side", null);
        out.put("rows", rows);
        out.put("substitutions", code);
        BenchmarkFiles.write("speedups-equivalence", out, md.toString());
    }

    /** The results folder of an experiment under a side's root: its id, or its stage folder, full budget or quick. */
    private static Path find(Path root, String id) throws IOException {
        if (!Files.isDirectory(root)) return null;
        try (var walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p.resolve("summary.json")))
                    .filter(p -> id.equals(readOrNull(p.resolve("summary.json"), "experiment")))
                    .findFirst().orElse(null);
        }
    }

    private static String readOrNull(Path summary, String field) {
        try {
            JsonNode n = Json.MAPPER.readTree(summary.toFile()).get(field);
            return n == null ? null : n.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /** What one side measured, by name: a run's final metrics, each trial's, or each checked network's error. */
    static Map<String, Double> quantities(Path results) throws IOException {
        Map<String, Double> q = new LinkedHashMap<>();
        if (Files.isRegularFile(results.resolve("run.json"))) {
            finals(Json.MAPPER.readTree(results.resolve("run.json").toFile()), "", q);
        } else if (Files.isRegularFile(results.resolve("trials.jsonl"))) {
            for (String line : Files.readAllLines(results.resolve("trials.jsonl"))) {
                JsonNode t = Json.MAPPER.readTree(line);
                String trial = "trial " + (t.get("trialIndex").asInt() + 1) + " `"
                        + Json.CANONICAL.writeValueAsString(t.get("overrides")) + "`";
                finals(t, trial + ": ", q);
            }
        } else if (Files.isRegularFile(results.resolve("check.json"))) {
            for (JsonNode net : Json.MAPPER.readTree(results.resolve("check.json").toFile()).get("nets")) {
                String label = net.get("label").asText();
                double worst = 0;
                List<JsonNode> errors = new ArrayList<>();
                iterable(net.get("matrices")).forEach(errors::add);
                iterable(net.get("formulas")).forEach(errors::add);
                for (JsonNode e : errors) {
                    double v = e.get("maxRelError").asDouble();  // a formula with nothing to compare has NaN
                    if (Double.isFinite(v)) worst = Math.max(worst, v);
                }
                q.put(label + ": largest finite relative error", worst);
                for (JsonNode e : iterable(net.get("equivalence"))) {
                    q.put(label + ": " + e.get("id").asText() + " max |difference|", e.get("maxAbsDiff").asDouble());
                }
            }
        }
        return q;
    }

    private static void finals(JsonNode run, String prefix, Map<String, Double> q) {
        JsonNode f = run.get("finalMetrics");
        for (String name : List.of("test_acc", "test_loss", "train_full_loss")) {
            if (f != null && f.has(name) && !f.get(name).isNull()) q.put(prefix + name, f.get(name).asDouble());
        }
        // How much the run's own test loss moves between its last evaluations: the scale of a difference that says
        // nothing more than that two trajectories have parted.
        JsonNode curve = run.get("curve");
        if (curve != null && curve.size() >= LAST) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (int i = curve.size() - LAST; i < curve.size(); i++) {
                double v = curve.get(i).get("testLoss").asDouble();
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            q.put(prefix + "test_loss range over the last " + LAST + " evaluations", hi - lo);
        }
    }

    private static final int LAST = 5;

    private static Iterable<JsonNode> iterable(JsonNode n) {
        return n == null || n.isNull() ? List.of() : n::elements;
    }

    /**
     * The substitutions a side recorded, one line per distinct list (a check's networks, a search's trials can differ),
     * joined by " / "; the older code recorded none.
     */
    private static String substitutions(Path results) throws IOException {
        List<JsonNode> lists = new ArrayList<>();
        if (Files.isRegularFile(results.resolve("check.json"))) {
            Json.MAPPER.readTree(results.resolve("check.json").toFile()).path("nets").forEach(n -> lists.add(n.path("substitutions")));
        } else {
            JsonNode s = Json.MAPPER.readTree(results.resolve("summary.json").toFile()).path("provenance").path("substitutions");
            if (s.isArray() && s.size() > 0 && (s.get(0).isArray() || s.get(0).isNull())) s.forEach(lists::add);
            else lists.add(s);
        }
        List<String> lines = new ArrayList<>();
        for (JsonNode list : lists) {
            String line;
            if (list.isMissingNode() || list.isNull()) {
                line = "not recorded";
            } else {
                List<String> parts = new ArrayList<>();
                list.forEach(one -> parts.add(one.get("replacement").asText() + " for " + one.get("replaced").asText()));
                line = parts.isEmpty() ? "DL4J layers (no substitutions)" : String.join("; ", parts);
            }
            if (!lines.contains(line)) lines.add(line);
        }
        return String.join(" / ", lines);
    }

    /** The git commits a side's runs recorded, shortened. */
    private static List<String> commits(Path side) throws IOException {
        List<String> commits = new ArrayList<>();
        if (!Files.isDirectory(side)) return commits;
        try (var walk = Files.walk(side)) {
            for (Path p : walk.filter(f -> f.getFileName().toString().equals("run.json")
                    || f.getFileName().toString().equals("trials.jsonl")).toList()) {
                for (String line : p.getFileName().toString().equals("run.json") ? List.of(Files.readString(p))
                        : Files.readAllLines(p)) {
                    JsonNode c = Json.MAPPER.readTree(line).path("software").path("git_commit");
                    String shortCommit = c.asText().length() >= 7 ? c.asText().substring(0, 7) : c.asText();
                    if (!c.isMissingNode() && !commits.contains(shortCommit)) commits.add(shortCommit);
                }
            }
        }
        return commits;
    }

    private static String fmt(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static String diff(Double a, Double b) {
        return a == null || b == null ? "—" : String.format(Locale.ROOT, "%.2g", a - b);
    }
}
