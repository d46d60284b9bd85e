package dl4jrepro.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dl4jrepro.base.Json;
import dl4jrepro.results.CataloguePage;
import dl4jrepro.results.TrialStore;
import dl4jrepro.spec.ExperimentSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard's page shows, as JSON read from the same files the tables come from ({@code summary.json},
 * {@code plan.json}, {@code trials.jsonl}): no second store, so a running search shows as far as it has got.
 */
final class DashboardData {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path root;
    private final List<ExperimentSpec> specs;

    DashboardData(Path root, List<ExperimentSpec> specs) {
        this.root = root;
        this.specs = specs;
    }

    /**
     * Every experiment of the catalogue with its results folder, status and verdict counts, and the counts per report:
     * the catalogue page's scoreboard ({@link CataloguePage}), counted by its rule.
     */
    ObjectNode overview() throws IOException {
        ObjectNode out = NODES.objectNode();
        CataloguePage.VERDICTS.forEach(out.putArray("verdicts")::add);
        ArrayNode experiments = out.putArray("experiments");
        Map<String, Map<String, Integer>> perReport = new TreeMap<>();
        for (ExperimentSpec spec : specs) {
            ObjectNode e = experiments.addObject();
            e.put("id", spec.id());
            e.put("catalogue", spec.catalogue());
            e.put("title", spec.title());
            e.put("kind", spec.kind().name().toLowerCase(java.util.Locale.ROOT));
            Path dir = root.resolve(spec.resultsPath());
            e.put("folder", root.relativize(dir).toString().replace('\\', '/'));
            JsonNode summary = read(dir.resolve("summary.json"));
            ObjectNode verdicts = e.putObject("verdicts");
            if (summary == null) {
                e.put("status", Files.exists(dir.resolve(TrialStore.FILE)) ? "running" : "not run");
                continue;
            }
            e.put("status", summary.path("status").asText("completed"));
            if (summary.has("trials_planned")) {
                e.put("trials_recorded", summary.path("trials_recorded").asInt());
                e.put("trials_planned", summary.path("trials_planned").asInt());
            }
            String report = CataloguePage.reportOf(spec);
            for (JsonNode f : summary.path("figures")) {
                if (!CataloguePage.counted(spec, f)) continue;
                String v = f.path("verdict").asText("n/a");
                verdicts.put(v, verdicts.path(v).asInt() + 1);
                perReport.computeIfAbsent(report, k -> new TreeMap<>()).merge(v, 1, Integer::sum);
            }
        }
        ObjectNode reports = out.putObject("reports");
        perReport.forEach((r, counts) -> {
            ObjectNode c = reports.putObject(r);
            counts.forEach(c::put);
        });
        return out;
    }

    /**
     * The trials of a search recorded after the first {@code from}, slimmed to what its table shows (settings, status,
     * metrics, wall time), with the plan's size: the page asks again with {@code from} = what it has, so a running search
     * adds rows as they are recorded.
     */
    ObjectNode trials(String folder, int from) throws IOException {
        Path dir = inside(folder);
        ObjectNode out = NODES.objectNode();
        JsonNode plan = dir == null ? null : read(dir.resolve("plan.json"));
        out.put("planned", plan == null ? 0 : plan.size());
        ArrayNode rows = out.putArray("trials");
        Path file = dir == null ? null : dir.resolve(TrialStore.FILE);
        if (file == null || !Files.isRegularFile(file)) {
            out.put("recorded", 0);
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int recorded = 0;
        for (String line : lines) {
            if (!line.endsWith("}")) continue;  // a record being written
            recorded++;
            if (recorded <= from) continue;
            JsonNode r = Json.MAPPER.readTree(line);
            ObjectNode row = rows.addObject();
            row.put("index", r.path("trialIndex").asInt() + 1);
            row.put("id", r.path("trialId").asText());
            row.set("settings", r.path("overrides"));
            row.put("seed", r.path("seed").asLong());
            row.put("status", r.path("status").asText());
            if (r.hasNonNull("failure")) row.put("failure", r.path("failure").asText());
            row.put("wall_s", r.path("wallSeconds").asDouble());
            row.put("started", r.path("started").asText(""));
            ObjectNode metrics = row.putObject("metrics");
            JsonNode curve = r.path("curve");
            if (curve.size() > 0) {
                JsonNode last = curve.get(curve.size() - 1);
                for (String m : List.of("trainAcc", "valAcc", "testAcc", "trainLoss", "valLoss", "testLoss")) {
                    if (last.path(m).isNumber()) metrics.put(m, last.path(m).asDouble());
                }
            }
            ArrayNode points = row.putArray("curve");
            for (JsonNode p : curve) {
                ObjectNode q = points.addObject();
                for (String m : List.of("step", "trainLoss", "valLoss", "trainAcc", "valAcc")) q.set(m, p.path(m));
            }
        }
        out.put("recorded", recorded);
        return out;
    }

    /** The pictures of a results folder (its PNG files, by name), for the experiment page. */
    ArrayNode pictures(String folder) throws IOException {
        ArrayNode names = NODES.arrayNode();
        Path dir = inside(folder);
        if (dir == null || !Files.isDirectory(dir)) return names;
        try (var files = Files.list(dir)) {
            files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".png")).sorted().forEach(names::add);
        }
        return names;
    }

    /** A results sub-folder named by the page, or null when the name climbs out of the results folder. */
    Path inside(String folder) {
        Path dir = root.resolve(folder).normalize();
        return dir.startsWith(root.normalize()) ? dir : null;
    }

    private static JsonNode read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return null;
        try {
            return Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return null;  // being rewritten: the next poll reads it whole
        }
    }
}
