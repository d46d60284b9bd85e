package dl4jrepro.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The section of {@code results/benchmarks/latest.md} on the real runs: each catalogue model's real run against its bare
 * training step, read from {@link PipelineShare}'s figures ({@code pipeline-share.json}), which come from a sitting of
 * their own. {@link PeerBenchmark} appends it when it writes latest.md, and {@link PipelineShare} replaces it after a run
 * of every model, so the page shows the newest figures of both benchmarks, each with its commit.
 */
final class PipelineSection {
    static final String HEADING = "## The real runs against the bare step";
    static final double TARGET = 0.90;
    private PipelineSection() {}

    /** The section from {@code dir}'s {@code pipeline-share.json}, or how to make it when that file is absent. */
    static String markdown(Path dir) throws IOException {
        StringBuilder md = new StringBuilder("\n").append(HEADING).append("\n\n");
        Path file = dir.resolve("pipeline-share.json");
        if (!Files.isRegularFile(file)) {
            return md.append("Not measured yet: `REPRO_DATA_DIR=DIR src/bench/run PipelineShare` writes it.\n").toString();
        }
        JsonNode figures = Json.MAPPER.readTree(file.toFile());
        md.append("Each model's experiment trained as its runs train it (its data, augmentation, evaluation and final "
                + "scoring) against the same network's training step on minibatches in memory, alternated in a sitting "
                + "of their own: [pipeline-share.md](pipeline-share.md) (git ")
                .append(figures.path("software").path("git_commit").asText("?"), 0, 7)
                .append("; its commands and the split of the real run's time are there). Target: the real run at ≥ ")
                .append(Math.round(100 * TARGET)).append(" % of the bare step at the spec's budget, projected from a "
                        + "shorter turn where the row says so.\n\n");
        md.append("| model | experiment | bare step samples/s | real run samples/s | real / bare | at the spec's budget "
                + "| target ≥ ").append(Math.round(100 * TARGET)).append(" % |\n|---|---|---:|---:|---:|---:|---|\n");
        for (JsonNode r : figures.path("models")) {
            double share = r.path("pipeline_share").asDouble();
            JsonNode projected = r.get("full_budget_pipeline_share_projected");
            double atBudget = 1 - (projected == null ? share : projected.asDouble());
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,.0f | %.0f %% | %s | %s |%n",
                    r.path("model").asText(), r.path("experiment").asText(), r.path("bare_samples_per_s").asDouble(),
                    r.path("real_samples_per_s").asDouble(), 100 * (1 - share),
                    projected == null ? "(run at it)" : String.format(Locale.ROOT, "%.0f %% (projected)", 100 * atBudget),
                    atBudget >= TARGET ? "met" : String.format(Locale.ROOT, "MISSED by %.0f points", 100 * (TARGET - atBudget))));
        }
        return md.toString();
    }

    /** Replaces the section of {@code dir}'s latest.md (or adds it) with today's figures; no latest.md, nothing to do. */
    static void refreshLatest(Path dir) throws IOException {
        Path latest = dir.resolve("latest.md");
        if (!Files.isRegularFile(latest)) return;
        String page = Files.readString(latest);
        int at = page.indexOf("\n" + HEADING + "\n");
        AtomicFiles.write(latest, (at < 0 ? page : page.substring(0, at)) + markdown(dir));
    }
}
