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
 * The same experiments run by different code or libraries, figure by figure. A comparison is data
 * ({@code experiments/bench/equivalence-*.json}): its sides (a run option, environment variables, or an older commit),
 * the experiments each side runs with the same seeds, and which differences to show. src/bench/equivalence.sh runs
 * them into one results folder per side ({@code plan} prints what to run) and then this main tabulates them
 * ({@code table}) into {@code results/benchmarks/<name>.{md,json}}: for single runs the final test and training
 * metrics, for searches each trial's, for checks each network's largest relative error, and the substitutions and
 * backend each side recorded.
 *
 * <p>Run: {@code src/bench/equivalence.sh SPEC [--before COMMIT]}, or {@code src/bench/run Equivalence table SPEC DIR}.
 */
public final class Equivalence {
    /**
     * One way of running: at an older commit ({@code atCommit}, given to the script as {@code --before}), or today's
     * code with run {@code options} and {@code env} variables.
     */
    record Side(String name, Boolean atCommit, String options, Map<String, String> env) {
        boolean old() {
            return Boolean.TRUE.equals(atCommit);
        }
    }

    /** @param differences pairs [a, b] shown as a column "a − b" */
    record Comparison(String name, String title, String about, List<Side> sides, List<List<String>> differences,
                      List<String> runs) {
        static Comparison read(Path file) throws IOException {
            if (!Files.isRegularFile(file)) throw new UserError("no comparison at " + file + ": name one of experiments/bench/equivalence-*.json");
            Comparison c = Json.MAPPER.readValue(file.toFile(), Comparison.class);
            List<String> names = c.sides().stream().map(Side::name).toList();
            for (List<String> d : c.differences()) {
                if (d.size() != 2 || !names.containsAll(d)) {
                    throw new UserError(file + ": difference " + d + " must name two of the sides " + names);
                }
            }
            return c;
        }
    }

    private Equivalence() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, Equivalence::run);
    }

    /** One measured quantity of one experiment, by side (null where a side has no record). */
    record Row(String experiment, String quantity, Map<String, Double> bySide) {}

    private static void run(String[] args) throws Exception {
        if (args.length < 2 || !List.of("plan", "table").contains(args[0]) || args[0].equals("table") && args.length != 3) {
            throw new UserError("usage: Equivalence plan SPEC | Equivalence table SPEC DIR");
        }
        Path specFile = Path.of(args[1]);
        Comparison c = Comparison.read(specFile);
        if (args[0].equals("plan")) {
            // For the script: the comparison's name (its default runs folder, /tmp/<name>), a line per side (name,
            // whether at the older commit, VAR=value ..., run options; "-" for none, as bash's read folds empty
            // tab-separated fields), then a line per run.
            System.out.println("name\t" + c.name());
            for (Side s : c.sides()) {
                List<String> env = new ArrayList<>();
                if (s.env() != null) s.env().forEach((k, v) -> env.add(k + "=" + v));
                System.out.println(String.join("\t", "side", s.name(), s.old() ? "1" : "0",
                        env.isEmpty() ? "-" : String.join(" ", env),
                        s.options() == null || s.options().isBlank() ? "-" : s.options()));
            }
            for (String r : c.runs()) System.out.println("run\t" + r);
            return;
        }
        Path dir = Path.of(args[2]);
        List<String> sides = c.sides().stream().map(Side::name).toList();
        List<Row> rows = new ArrayList<>();
        Map<String, Map<String, String>> code = new LinkedHashMap<>(), backends = new LinkedHashMap<>();
        for (String run : c.runs()) {
            String id = run.split(" ")[0];
            Map<String, Map<String, Double>> byQuantity = new LinkedHashMap<>();
            for (String side : sides) {
                Path results = find(dir.resolve(side), id);
                if (results == null) continue;
                for (Map.Entry<String, Double> q : quantities(results).entrySet()) {
                    byQuantity.computeIfAbsent(q.getKey(), k -> new LinkedHashMap<>()).put(side, q.getValue());
                }
                code.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(side, substitutions(results));
                backends.computeIfAbsent(id, k -> new LinkedHashMap<>()).put(side, blas(results));
            }
            byQuantity.forEach((q, v) -> rows.add(new Row(id, q, v)));
        }
        StringBuilder md = new StringBuilder("# ").append(c.title()).append("\n\n").append(c.about());
        md.append(" Beside a run's figures, the range of its test loss over its last " + LAST + " evaluations shows how "
                + "far a figure moves within one run once training is near its end: differences of that size say only "
                + "that two trajectories parted.\n\n");
        for (String side : sides) md.append("- `").append(side).append("`: git ").append(commits(dir.resolve(side))).append('\n');
        md.append("\n| experiment | quantity |");
        for (String side : sides) md.append(' ').append(side).append(" |");
        for (List<String> d : c.differences()) md.append(' ').append(d.get(0)).append(" − ").append(d.get(1)).append(" |");
        md.append("\n|---|---|").append("---:|".repeat(sides.size() + c.differences().size())).append('\n');
        for (Row r : rows) {
            md.append("| ").append(r.experiment()).append(" | ").append(r.quantity()).append(" |");
            for (String side : sides) md.append(' ').append(fmt(r.bySide().get(side))).append(" |");
            for (List<String> d : c.differences()) {
                md.append(' ').append(diff(r.bySide().get(d.get(0)), r.bySide().get(d.get(1)))).append(" |");
            }
            md.append('\n');
        }
        md.append("\n## What each side computed with\n\n| experiment | side | substitutions | BLAS |\n|---|---|---|---|\n");
        code.forEach((id, bySide) -> bySide.forEach((side, what) -> md.append("| ").append(id).append(" | ").append(side)
                .append(" | ").append(what).append(" | ").append(backends.get(id).get(side)).append(" |\n")));
        String before = "";
        for (Side s : c.sides()) {
            if (!s.old()) continue;
            List<String> l = commits(dir.resolve(s.name()));
            before = " --before " + (l.isEmpty() ? "COMMIT" : l.get(0));
        }
        md.append("\nRegenerate: `src/bench/equivalence.sh ").append(specFile).append(before).append("` (the runs into "
                + "/tmp/").append(c.name()).append(", then this table: `src/bench/run Equivalence table ").append(specFile)
                .append(" DIR`)\n");
        Map<String, Object> out = BenchmarkFiles.figures(c.name(), c.title(), null);
        out.put("rows", rows);
        out.put("substitutions", code);
        out.put("blas", backends);
        BenchmarkFiles.write(c.name(), out, md.toString());
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

    /** The BLAS a run recorded in its backend (older runs recorded ND4J's vendor name only). */
    private static String blas(Path results) throws IOException {
        JsonNode b = Json.MAPPER.readTree(results.resolve("summary.json").toFile()).path("provenance").path("backend");
        if (b.isArray()) b = b.path(0);
        return b.path("blas").isMissingNode() ? "not recorded" : b.path("blas").asText();
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
