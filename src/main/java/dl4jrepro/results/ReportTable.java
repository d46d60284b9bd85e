package dl4jrepro.results;

import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.Json;
import dl4jrepro.base.Substitution;
import dl4jrepro.spec.ExperimentSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code table.md} and {@code summary.json}: the run's figures beside the report's, with difference, tolerance and
 * verdict, and the run's provenance. Built from a stored {@link RunRecord} and the spec's reference figures only.
 */
public final class ReportTable {
    private ReportTable() {}

    /** @param resultsRoot where the spec's stages (spreads, ablations) keep their results; null for a quick run */
    public static List<FigureRow> rows(ExperimentSpec spec, RunRecord run, Path resultsRoot) {
        StageResults stages = new StageResults(resultsRoot);
        return spec.reference().figures().stream()
                .map(f -> FigureRow.of(stages, f, run.metric(f.metric()), "diverged".equals(run.status()),
                        f.batchSpread() == null ? Double.NaN : run.metric(f.batchSpread())))
                .toList();
    }

    /** @param home where the run's files live, for the links to its stages (the same as {@code dir} but while staged) */
    public static void write(ExperimentSpec spec, RunRecord run, Path dir, Path home, Path resultsRoot) throws IOException {
        List<FigureRow> rows = rows(spec, run, run.quick() ? null : resultsRoot);
        AtomicFiles.write(dir.resolve("summary.json"), Json.MAPPER.writeValueAsString(summary(run, rows)));
        AtomicFiles.write(dir.resolve("table.md"), markdown(spec, run, rows, dir, home));
    }

    /**
     * The figures table shared by single runs and searches.
     *
     * @param quick whether the table sits in a quick run's folder, one level below the experiment's
     */
    public static void figures(StringBuilder md, List<FigureRow> rows, ExperimentSpec spec, boolean quick) {
        ExperimentSpec.Reference reference = spec.reference();
        // from this table up to the results root, where every experiment's folder starts
        String toRoot = "../".repeat((quick ? 1 : 0) + spec.resultsPath().split("/").length);
        md.append("| figure | report | reproduced | difference | tolerance | verdict | note |\n");
        md.append("|---|---:|---:|---:|---:|---|---|\n");
        Map<String, SeedSpread> spreads = new LinkedHashMap<>();
        boolean batchSpreads = false;
        for (FigureRow r : rows) {
            String tolerance = r.tolerance() != null ? "± " + num(r.tolerance()) : r.atLeast() != null ? "≥ " + num(r.atLeast())
                    : r.atMost() != null ? "≤ " + num(r.atMost()) : "";
            if (r.spread() != null && r.tolerance() != null) {
                tolerance += " (" + r.spread().seeds() + " seeds)";
                spreads.putIfAbsent(r.spread().experiment(), r.spread());
            }
            if (r.batchSd() != null) {
                tolerance += " (minibatches)";
                batchSpreads = true;
            }
            String note = r.note() == null ? "" : r.note();
            if (r.ablation() != null && r.ablation().equals(spec.id())) {
                // an ablation's own rows: each variant held against the report is the explanation itself
                note += (note.isEmpty() ? "" : " · ") + "a variant of this ablation";
            } else if (r.ablation() != null) {
                note += (note.isEmpty() ? "" : " · ") + "ablation: " + (r.ablationFolder() == null ? "`" + r.ablation() + "`"
                        : "[" + r.ablation() + "](" + toRoot + r.ablationFolder() + "/table.md)");
            }
            // A figure held to a few decimals reads at 4 of them; one held to 1e-9 (an exact replay) needs all its digits.
            boolean exact = r.tolerance() != null && r.tolerance() > 0 && r.tolerance() < 1e-4;
            md.append("| ").append(r.name()).append(" | ").append(exact ? exact(r.report()) : num(r.report())).append(" | ")
                    .append(exact ? exact(r.reproduced()) : num(r.reproduced())).append(" | ")
                    .append(exact && r.difference() != null ? String.format(Locale.ROOT, "%+.2e", r.difference()) : signed(r.difference()))
                    .append(" | ").append(tolerance).append(" | ")
                    .append(r.verdict()).append(" | ").append(note).append(" |\n");
        }
        md.append("\nReport figures: ").append(reference.source()).append(".  \n");
        if (!spreads.isEmpty()) {
            md.append("Tolerance (rows with seeds): ").append(String.format(Locale.ROOT, "%.2f", ExperimentSpec.Spread.Z))
                    .append(" × the sample sd of the figure's metric over the repeats of ")
                    .append(String.join(", ", spreads.keySet().stream().map(id -> "`" + id + "`").toList()))
                    .append(" (one configuration, seeds only), plus half a unit of the report's last digit: the reproduced "
                            + "and the report's run are two draws, whose difference has sd √2 × one run's.  \n");
        }
        if (batchSpreads) {
            md.append("Tolerance (rows with minibatches): ").append(String.format(Locale.ROOT, "%.2f", ExperimentSpec.Spread.Z))
                    .append(" × the sd of that one-minibatch figure from one training minibatch to the next, measured on ")
                    .append("this run's network after training over consecutive training minibatches (final.batch_* in run.json), ")
                    .append("plus half a unit of the report's last digit: the report's figure and this one are one minibatch each.  \n");
        }
        if (reference.toleranceWhy() != null) md.append("Tolerance: ").append(reference.toleranceWhy()).append("\n");
    }

    public static List<Map<String, Object>> figuresJson(List<FigureRow> rows) {
        return rows.stream().map(r -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", r.name());
            f.put("metric", r.metric());
            f.put("report", r.report());
            f.put("reproduced", r.reproduced());
            f.put("tolerance", r.tolerance());
            f.put("at_least", r.atLeast());
            f.put("at_most", r.atMost());
            f.put("verdict", r.verdict());
            if (r.spread() != null) {
                f.put("seed_sd", Double.isFinite(r.spread().sd()) ? r.spread().sd() : null);
                f.put("seeds", r.spread().seeds());
                f.put("spread_from", r.spread().experiment());
            }
            if (r.batchSd() != null) {
                f.put("batch_sd", r.batchSd());
                f.put("spread_from", "minibatches of this run");
            }
            if (r.ablation() != null) f.put("ablation", r.ablation());
            return f;
        }).toList();
    }

    static Map<String, Object> summary(RunRecord run, List<FigureRow> rows) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("experiment", run.experiment());
        s.put("status", run.status());
        s.put("quick", run.quick());
        s.put("figures", figuresJson(rows));
        s.put("wall_s", run.wallSeconds());
        s.put("samples_per_s", run.samplesPerSecond());
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("command", run.command());
        provenance.put("seed", run.seed());
        provenance.put("overrides", run.overrides());
        provenance.put("hyperparameters", run.hyperparameters());
        provenance.put("budget", run.budget());
        provenance.put("data", run.data());
        provenance.put("backend", run.backend());
        provenance.put("speedups", run.speedups());
        provenance.put("substitutions", run.substitutions());
        provenance.put("software", run.software());
        provenance.put("started", run.started());
        s.put("provenance", provenance);
        return s;
    }

    /** Pictures a single run may leave beside its table (see dl4jrepro.run.ModelPictures), with their captions, in order. */
    private static final Map<String, String> INSIDE = new LinkedHashMap<>();
    static {
        INSIDE.put("augmentation.png", "Training images (top row) beside their augmented copies");
        INSIDE.put("filters.png", "The first convolution layer's filters after training");
        INSIDE.put("activations.png", "Feature maps after each convolution for one test image");
        INSIDE.put("lr-range.png", "Learning-rate range test: the minibatch loss against the rate it was trained at, "
                + "smoothed, with the steepest fall (the rate the test suggests) and the lowest point marked");
        INSIDE.put("first-layer.png", "The first layer's weights after training, one image per hidden unit (the course's "
                + "picture of a two-layer net's features)");
        INSIDE.put("fit.png", "The network's output over the training and test points (grey: intervals without training "
                + "points; the points are in train.csv and test.csv)");
        INSIDE.put("weights.png", "Histogram of the trained weights");
    }

    static String markdown(ExperimentSpec spec, RunRecord run, List<FigureRow> rows, Path dir, Path home) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(run.experiment()).append(": ").append(spec.title()).append("\n\n");
        md.append("Catalogue ").append(spec.catalogue() == null ? "(none: not from a report)" : spec.catalogue())
                .append(" · source: ").append(spec.source()).append(" · family: `").append(run.family())
                .append("` · status: **").append(run.status()).append("**")
                .append(run.quick() ? " · **quick (smoke) budget: not comparable with the report**" : "").append("\n\n");
        if (run.failure() != null) md.append("Training stopped early: ").append(run.failure()).append("\n\n");
        if (!run.overrides().isEmpty()) md.append("Overrides on the spec: `").append(run.overrides()).append("`\n\n");

        figures(md, rows, spec, run.quick());

        md.append("\n## Run\n\n");
        md.append(String.format(Locale.ROOT, "- wall time %.1f s (training %.1f s, evaluation %.1f s), %,.0f training samples/s, %,d parameters%n",
                run.wallSeconds(), run.trainSeconds(), run.evalSeconds(), run.samplesPerSecond(), run.parameters()));
        List<Long> resumes = run.resumedAtSteps();
        if (!resumes.isEmpty()) {
            // a stopped run that continued from its checkpoint: its times are summed over the segments
            md.append("- continued from a checkpoint at step ")
                    .append(String.join(", ", resumes.stream().map(String::valueOf).toList()))
                    .append(" (times above summed over the segments)\n");
        }
        md.append("- seed ").append(run.seed()).append(", budget `").append(json(run.budget())).append("`\n");
        md.append("- hyperparameters `").append(json(run.hyperparameters())).append("`\n");
        md.append("- data ").append(run.data().get("dataset")).append(", split `").append(json(run.data().get("split")))
                .append("`, preprocessing ").append(run.data().get("preprocess")).append(", checksum ")
                .append(run.data().get("checksum")).append(" (md5 per file in run.json)\n");
        md.append("- backend: ").append(run.backend().get("summary")).append("\n");
        md.append(codeLine(List.of(run)));
        md.append("- software: ").append(json(run.software())).append("\n");
        md.append("- started ").append(run.started()).append("\n");
        notesAndStages(md, spec, home, run.quick());
        if (!run.curve().isEmpty()) md.append("\n![learning curves](learning-curve.png)\n");
        if (run.testConfusion() != null) md.append("\nTest set confusion matrix (rows: true class):\n\n![confusion matrix](confusion.png)\n");
        for (Map.Entry<String, String> png : INSIDE.entrySet()) {
            if (Files.isRegularFile(dir.resolve(png.getKey()))) {
                md.append('\n').append(png.getValue()).append(":\n\n![").append(png.getKey()).append("](")
                        .append(png.getKey()).append(")\n");
            }
        }
        md.append("\n## Regenerate\n\n");
        md.append("- this run: `./repro ").append(run.command()).append("`\n");
        md.append("- this table from the stored run, without training: `./repro table ")
                .append(run.experiment()).append(run.quick() ? " --quick" : "").append("`\n");
        return md.toString();
    }

    /**
     * The provenance line saying which code computed the runs: DL4J's layers, or this project's substitutions, with the
     * speed-up setting; runs that differ get one entry per kind of code, with their count.
     */
    public static String codeLine(List<RunRecord> runs) {
        Map<String, Integer> kinds = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            String what = Substitution.describe(r.substitutions())
                    + (r.speedups() == null ? "" : " (speed-ups " + r.speedups() + ")");
            kinds.merge(what, 1, Integer::sum);
        }
        if (kinds.size() <= 1) return "- computed by: " + kinds.keySet().stream().findFirst().orElse("—") + "\n";
        StringBuilder line = new StringBuilder("- computed by:");
        kinds.forEach((what, n) -> line.append(" ").append(n).append(n == 1 ? " run: " : " runs: ").append(what).append(";"));
        return line.deleteCharAt(line.length() - 1).append("\n").toString();
    }

    /**
     * The spec's notes, then the links between an experiment and its stages (sub-folders of its results holding a
     * table), so a catalogue row's tables can be walked from any of them.
     */
    public static void notesAndStages(StringBuilder md, ExperimentSpec spec, Path dir, boolean quick) throws IOException {
        if (spec.notes() != null && !spec.notes().isEmpty()) {
            md.append("\n## Choices and differences\n\n");
            for (String n : spec.notes()) md.append("- ").append(n).append('\n');
        }
        if (quick) return;
        if (spec.stageOf() != null) {
            md.append("\nThis is stage `").append(spec.stageName()).append("` of [").append(spec.stageOf())
                    .append("](../table.md).\n");
        }
        List<String> stages = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (var children = Files.list(dir)) {
                children.filter(c -> !Set.of("quick", RunFiles.DIVERGED).contains(c.getFileName().toString()) && hasTable(c))
                        .map(c -> c.getFileName().toString()).sorted().forEach(stages::add);
            }
        }
        if (!stages.isEmpty()) {
            md.append("\n## Stages\n\n");
            for (String s : stages) {
                md.append("- [`").append(spec.id()).append('-').append(s).append("`](").append(s).append("/table.md)\n");
            }
        }
    }

    /** Whether a results folder holds a table to link to: a stage or ablation still running has its folder, not its table. */
    static boolean hasTable(Path dir) {
        return Files.isRegularFile(dir.resolve("table.md"));
    }

    public static String json(Object o) throws IOException {
        return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(o);
    }

    public static String num(Double v) {
        if (v == null) return "—";
        if (v != 0 && Math.abs(v) < 1e-3) return String.format(Locale.ROOT, "%.3e", v);
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4f", v);
    }

    private static String exact(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.15g", v);
    }

    public static String signed(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%+.4f", v);
    }
}
