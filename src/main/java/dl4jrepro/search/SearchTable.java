package dl4jrepro.search;

import com.fasterxml.jackson.core.type.TypeReference;
import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Json;
import dl4jrepro.base.Metrics;
import dl4jrepro.base.UserError;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.results.FigureRow;
import dl4jrepro.results.HeatMapPlot;
import dl4jrepro.results.LearningCurvePlot;
import dl4jrepro.results.ReportTable;
import dl4jrepro.results.RunRecord;
import dl4jrepro.results.StageResults;
import dl4jrepro.results.TrialStore;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.search.TrialPlan.Trial;
import dl4jrepro.spec.ExperimentSpec.Column;
import dl4jrepro.spec.ExperimentSpec;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A search's results the way the reports show them: headline figures beside the report's, every trial ranked (or the
 * top and bottom of a long grid), a filtered view, repeats as mean ± sd, each row beside the report's row for the same
 * configuration; plus grid.csv, summary.json, a heat map and the best trial's learning curves. Only trial records go
 * in, and no timings go into table.md, so an interrupted and resumed search gives the same table as an uninterrupted
 * one (timings are in grid.csv and summary.json).
 */
public final class SearchTable {
    public static final String PLAN = "plan.json";
    private static final int FULL_TABLE_MAX = 60;

    private SearchTable() {}

    /** The plan of the last run, kept so {@code table} knows the n of "k of n" without the original command line. */
    static void savePlan(Path dir, List<Trial> plan) throws IOException {
        AtomicFiles.write(dir.resolve(PLAN), Json.MAPPER.writeValueAsString(plan));
    }

    public static Path rewrite(ExperimentSpec spec, Path dir, boolean quick, Path resultsRoot) throws IOException {
        Path planFile = dir.resolve(PLAN);
        if (!Files.isRegularFile(planFile)) {
            throw new UserError("no stored search for " + spec.id() + " at " + dir + ": run it first with 'run " + spec.id()
                    + (quick ? " --quick" : "") + "'");
        }
        List<Trial> plan = Json.MAPPER.readValue(planFile.toFile(), new TypeReference<List<Trial>>() {});
        TrialStore.Contents stored = new TrialStore(dir).read();
        if (stored.records().isEmpty() && !stored.damaged().isEmpty()) {
            throw new UserError(dir.resolve(TrialStore.FILE) + " has no readable trial record (" + stored.damaged().size()
                    + " damaged lines): run the search again, which sets them aside and trains those trials");
        }
        if (!stored.damaged().isEmpty()) {
            System.err.println("note: " + stored.damaged().size() + " unreadable lines of " + dir.resolve(TrialStore.FILE)
                    + " left out of the table; running the search again sets them aside and trains those trials");
        }
        write(spec, plan, List.copyOf(SearchRunner.current(spec, plan, stored.records(), quick, null).values()), dir, quick,
                resultsRoot);
        return dir;
    }

    /** The spec's reference figures, each computed over the search's trials. */
    static List<FigureRow> figures(ExperimentSpec spec, List<RunRecord> rows, StageResults stages) {
        ExperimentSpec.TableSpec ts = spec.table();
        return spec.reference().figures().stream().map(f -> {
            Aggregate a = Aggregate.parse(f.metric());
            // "gapFiltered=true": over the trials of the table's gap-filtered view only, as a report's filtered table.
            if ("true".equals(a.filter().get(GAP_FILTERED))) {
                Map<String, String> rest = new LinkedHashMap<>(a.filter());
                rest.remove(GAP_FILTERED);
                return FigureRow.of(stages, f,
                        new Aggregate(a.function(), a.metric(), rest).evaluate(withinGap(ts, rows), ts.sortBy()), false, Double.NaN);
            }
            return FigureRow.of(stages, f, a.evaluate(rows, ts.sortBy()), false, batchSd(f, a, rows));
        }).toList();
    }

    /**
     * A one-minibatch figure's spread in a search: the {@code batchSpread} metric of the one trial the figure's filter
     * picks (an ablation's variant), NaN where it picks none or several.
     */
    private static double batchSd(ExperimentSpec.Figure f, Aggregate a, List<RunRecord> rows) {
        if (f.batchSpread() == null) return Double.NaN;
        List<RunRecord> picked = rows.stream().filter(r -> Metrics.matches(r.settings(), a.filter())).toList();
        return picked.size() == 1 ? picked.get(0).metric(f.batchSpread()) : Double.NaN;
    }

    /** @param resultsRoot where the spec's stages (spreads, ablations) keep their results */
    public static void write(ExperimentSpec spec, List<Trial> plan, List<RunRecord> records, Path dir, boolean quick,
                             Path resultsRoot) throws IOException {
        StageResults stages = new StageResults(quick ? null : resultsRoot);
        Map<String, RunRecord> byId = new LinkedHashMap<>();
        for (RunRecord r : records) byId.putIfAbsent(r.trialId(), r);
        List<RunRecord> rows = new ArrayList<>();
        for (Trial t : plan) if (byId.containsKey(t.id())) rows.add(byId.get(t.id()));
        ExperimentSpec.TableSpec ts = spec.table();
        String sortBy = ts.sortBy();
        List<RunRecord> ranked = new ArrayList<>(rows);
        ranked.sort(Comparator.comparingDouble((RunRecord r) -> finiteOr(r.score(sortBy), Double.NEGATIVE_INFINITY))
                .reversed().thenComparing(RunRecord::trialIndex));
        List<String> axes = axes(plan);
        boolean repeats = plan.stream().map(Trial::seed).distinct().count() > 1 || Boolean.TRUE.equals(spec.search().crossValidate());

        List<FigureRow> figures = figures(spec, rows, stages);

        StringBuilder md = new StringBuilder();
        long completed = rows.stream().filter(r -> r.status().equals("completed")).count();
        long diverged = rows.stream().filter(r -> r.status().equals("diverged")).count();
        md.append("# ").append(spec.id()).append(": ").append(spec.title()).append("\n\n");
        md.append("Catalogue ").append(spec.catalogue()).append(" · source: ").append(spec.source()).append(" · family: `")
                .append(spec.family()).append("` · **").append(rows.size()).append(" of ").append(plan.size())
                .append(" trials** (").append(completed).append(" completed, ").append(diverged).append(" diverged, ")
                .append(rows.size() - completed - diverged).append(" failed)")
                .append(rows.size() < plan.size() ? " · **partial: the search is still running or was stopped; `run` resumes it**" : "")
                .append(quick ? " · **quick (smoke) budget: not comparable with the report**" : "").append("\n\n");
        md.append("## Headline figures\n\n");
        ReportTable.figures(md, figures, spec, quick);
        List<String> edges = SearchEdges.warnings(plan, axes, best(ranked, sortBy));
        if (!edges.isEmpty()) {
            md.append("\n**The best trial is on the edge of the searched space**: a better value may lie beyond it.\n\n");
            for (String e : edges) md.append("- ").append(e).append('\n');
        }

        String sortLabel = label(ts, sortBy);
        if (ranked.size() <= FULL_TABLE_MAX) {
            md.append("\n## All trials, ranked by ").append(sortLabel).append("\n\n");
            rowsTable(md, spec, ranked, ranked, axes, repeats);
        } else {
            int top = ts.top() == null ? 10 : ts.top(), bottom = ts.bottom() == null ? 10 : ts.bottom();
            md.append("\n## Top ").append(top).append(" by ").append(sortLabel).append("\n\n");
            rowsTable(md, spec, ranked, ranked.subList(0, Math.min(top, ranked.size())), axes, repeats);
            md.append("\n## Bottom ").append(bottom).append(" by ").append(sortLabel).append("\n\n");
            rowsTable(md, spec, ranked, ranked.subList(Math.max(0, ranked.size() - bottom), ranked.size()), axes, repeats);
            md.append("\nEvery trial is in [grid.csv](grid.csv).\n");
        }
        if (ts.maxGap() != null && !ts.columns().isEmpty()) {
            List<RunRecord> kept = withinGap(ts, ranked);
            md.append("\n## Trials with ").append(ts.columns().get(0).label()).append(" − ").append(sortLabel).append(" ≤ ")
                    .append(ts.maxGap()).append(" (less overfitting), best first\n\n");
            int top = ts.top() == null ? 20 : ts.top();
            rowsTable(md, spec, ranked, kept.subList(0, Math.min(top, kept.size())), axes, repeats);
        }
        if (repeats) repeatsTable(md, spec, rows, axes);
        if (ts.perAxis() != null) AxisTable.write(md, spec, dir, rows, sortLabel);
        if (spec.search().comparisons() != null) ComparisonTable.write(md, spec, dir, rows);
        pictures(md, spec, dir, ranked, axes, sortBy, sortLabel);
        footer(md, spec, rows, plan, dir, quick);
        AtomicFiles.write(dir.resolve("table.md"), md.toString());
        AtomicFiles.write(dir.resolve("grid.csv"), csv(spec, ranked, axes));
        AtomicFiles.write(dir.resolve("summary.json"), Json.MAPPER.writeValueAsString(summary(spec, plan, rows, figures, edges)));
    }

    /** The first of the ranked trials if its score is finite (a search of only diverged trials has no best). */
    private static RunRecord best(List<RunRecord> ranked, String sortBy) {
        return ranked.isEmpty() || !Double.isFinite(ranked.get(0).score(sortBy)) ? null : ranked.get(0);
    }

    /** Override keys that vary over the plan, in the order they first appear. */
    static List<String> axes(List<Trial> plan) {
        Set<String> keys = new LinkedHashSet<>();
        for (Trial t : plan) keys.addAll(t.overrides().keySet());
        return keys.stream().filter(k -> plan.stream().map(t -> String.valueOf(t.overrides().get(k))).distinct().count() > 1)
                .toList();
    }

    private static void rowsTable(StringBuilder md, ExperimentSpec spec, List<RunRecord> ranked, List<RunRecord> shown,
                                  List<String> axes, boolean repeats) {
        List<Column> cols = spec.table().columns();
        List<Column> reported = cols.stream().filter(c -> spec.reportRows() != null
                && spec.reportRows().stream().anyMatch(r -> r.values().containsKey(c.metric()))).toList();
        md.append("| rank |");
        for (String a : axes) md.append(' ').append(a).append(" |");
        if (repeats) md.append(" seed |");
        for (Column c : cols) md.append(' ').append(c.label()).append(" |");
        for (Column c : reported) md.append(" report ").append(c.label()).append(" | Δ |");
        md.append(" status |\n|---:|");
        md.append("---|".repeat(axes.size()));
        if (repeats) md.append("---:|");
        md.append("---:|".repeat(cols.size() + 2 * reported.size())).append("---|\n");
        for (RunRecord r : shown) {
            md.append("| ").append(ranked.indexOf(r) + 1).append(" |");
            for (String a : axes) md.append(' ').append(value(r.settings().get(a))).append(" |");
            if (repeats) md.append(' ').append(r.seed()).append(" |");
            for (Column c : cols) md.append(' ').append(ReportTable.num(finite(r.metric(c.metric())))).append(" |");
            ExperimentSpec.ReportRow report = reportRow(spec, r);
            for (Column c : reported) {
                Double rep = report == null ? null : report.values().get(c.metric());
                Double mine = finite(r.metric(c.metric()));
                md.append(' ').append(ReportTable.num(rep)).append(" | ")
                        .append(ReportTable.signed(rep == null || mine == null ? null : mine - rep)).append(" |");
            }
            md.append(' ').append(r.status()).append(" |\n");
        }
    }

    private static void repeatsTable(StringBuilder md, ExperimentSpec spec, List<RunRecord> rows, List<String> axes) {
        List<String> configAxes = axes.stream().filter(a -> !a.equals(ResolvedConfig.FOLD)).toList();
        // Best mean first (by the table's sortBy), as a cross-validation ranks its configurations.
        String sortBy = spec.table().sortBy();
        boolean folds = Boolean.TRUE.equals(spec.search().crossValidate());
        md.append("\n## ").append(folds ? "Cross-validation: mean over folds" : "Repeats over seeds: mean")
                .append(" ± sd (min – max), best mean ").append(label(spec.table(), sortBy)).append(" first\n\n| rank | configuration | n |");
        for (Column c : spec.table().columns()) md.append(' ').append(c.label()).append(" |");
        md.append("\n|---:|---|---:|").append("---:|".repeat(spec.table().columns().size())).append('\n');
        int rank = 0;
        for (Map.Entry<Map<String, Object>, List<RunRecord>> g : Aggregate.rankedConfigurations(rows, sortBy)) {
            String configuration = configAxes.stream().map(a -> a + "=" + value(g.getKey().get(a)))
                    .collect(Collectors.joining(", "));
            md.append("| ").append(++rank).append(" | ").append(configuration.isEmpty() ? "(the spec's)" : configuration)
                    .append(" | ").append(g.getValue().size()).append(" |");
            for (Column c : spec.table().columns()) {
                double[] v = g.getValue().stream().mapToDouble(r -> r.metric(c.metric())).filter(Double::isFinite).toArray();
                md.append(' ').append(v.length == 0 ? "—" : String.format(Locale.ROOT, "%.4f ± %.4f (%.4f – %.4f)",
                        mean(v), sd(v), Arrays.stream(v).min().getAsDouble(),
                        Arrays.stream(v).max().getAsDouble())).append(" |");
            }
            md.append('\n');
        }
    }

    private static void pictures(StringBuilder md, ExperimentSpec spec, Path dir, List<RunRecord> ranked, List<String> axes,
                                 String sortBy, String sortLabel) throws IOException {
        md.append("\n## Pictures\n\n");
        List<String> hm = spec.table().heatmap();
        if (hm != null && hm.size() == 2 && axes.containsAll(hm) && !ranked.isEmpty()) {
            List<Object> xs = distinct(ranked, hm.get(0)), ys = distinct(ranked, hm.get(1));
            double[][] v = new double[ys.size()][xs.size()];
            for (double[] row : v) Arrays.fill(row, Double.NaN);
            for (RunRecord r : ranked) {
                int x = indexOf(xs, r.settings().get(hm.get(0))), y = indexOf(ys, r.settings().get(hm.get(1)));
                double m = r.metric(sortBy);
                boolean better = Metrics.lowerIsBetter(sortBy) ? m < v[y][x] : m > v[y][x];
                if (Double.isFinite(m) && (Double.isNaN(v[y][x]) || better)) v[y][x] = m;
            }
            HeatMapPlot.write(dir.resolve("heatmap.png"), spec.id() + ": " + sortLabel + ", best trial per cell", hm.get(0),
                    xs.stream().map(SearchTable::value).toList(), hm.get(1), ys.stream().map(SearchTable::value).toList(), v);
            md.append(sortLabel.substring(0, 1).toUpperCase(Locale.ROOT)).append(sortLabel.substring(1)).append(" over ")
                    .append(hm.get(0)).append(" × ").append(hm.get(1))
                    .append(" (each cell: its best trial over the other settings; a blank cell has no trial with a finite "
                            + "result, all diverged or none run yet):\n\n![heat map](heatmap.png)\n\n");
        }
        String by = spec.table().curvesBy();
        if (by != null && axes.contains(by)) {
            Map<String, List<CurvePoint>> curves = new LinkedHashMap<>();
            for (Object v : distinct(ranked, by)) {
                // The first seed's trial stands for its setting.
                ranked.stream().filter(r -> Metrics.sameValue(r.settings().get(by), v) && !r.curve().isEmpty())
                        .min(Comparator.comparingLong(RunRecord::seed).thenComparing(RunRecord::trialIndex))
                        .ifPresent(r -> curves.put(by + " " + value(v), r.curve()));
            }
            if (!curves.isEmpty()) {
                LearningCurvePlot.compare(dir.resolve("curves-by-" + by + ".png"), spec.id(), curves,
                        ranked.get(0).budget().containsKey("epochs"), ranked.get(0).budget().get("trainMetric"));
                md.append("One learning curve per ").append(by).append(":\n\n![curves by ").append(by)
                        .append("](curves-by-").append(by).append(".png)\n\n");
            }
        }
        List<Map<String, Object>> chosen = spec.table().chosen();
        if (chosen != null && !chosen.isEmpty()) {
            Map<String, List<CurvePoint>> curves = new LinkedHashMap<>();
            for (Map<String, Object> c : chosen) {
                ranked.stream().filter(r -> Metrics.matches(r.settings(), c) && !r.curve().isEmpty()).findFirst()
                        .ifPresent(r -> curves.put(describe(r, new ArrayList<>(c.keySet())).replace(", seed " + r.seed(), ""),
                                r.curve()));
            }
            if (!curves.isEmpty()) {
                LearningCurvePlot.compare(dir.resolve("chosen-curves.png"), spec.id(), curves,
                        ranked.get(0).budget().containsKey("epochs"), ranked.get(0).budget().get("trainMetric"));
                md.append("The chosen configurations' learning curves:\n\n![chosen configurations](chosen-curves.png)\n\n");
            }
        }
        RunRecord best = ranked.stream().filter(r -> !r.curve().isEmpty() && r.status().equals("completed")).findFirst()
                .orElse(null);
        if (best != null) {
            LearningCurvePlot.write(dir.resolve("best-learning-curve.png"), spec.id() + " best trial", best.curve(),
                    best.budget().containsKey("epochs"), best.budget().get("trainMetric"));
            md.append("Learning curves of the best trial (").append(describe(best, axes)).append("):\n\n")
                    .append("![best trial](best-learning-curve.png)\n");
            if (best.testConfusion() != null) {
                HeatMapPlot.confusion(dir.resolve("confusion.png"), spec.id() + " best trial: test confusion matrix",
                        best.testConfusion(), DatasetRepository.classNames(spec.data().dataset()));
                md.append("\nIts test set confusion matrix (rows: true class):\n\n![confusion matrix](confusion.png)\n");
            }
        }
    }

    /** The filter key of a figure computed over the gap-filtered trials only ({@code table.maxGap}). */
    static final String GAP_FILTERED = "gapFiltered";

    /**
     * The trials whose first table column (a training accuracy) exceeds the sort metric (validation accuracy) by at
     * most {@code table.maxGap}: the table's "less overfitting" view, as the reports filter their own tables.
     */
    static List<RunRecord> withinGap(ExperimentSpec.TableSpec ts, List<RunRecord> trials) {
        if (ts.maxGap() == null || ts.columns().isEmpty()) return trials;
        String first = ts.columns().get(0).metric();
        return trials.stream().filter(r -> r.metric(first) - r.metric(ts.sortBy()) <= ts.maxGap()).toList();
    }

    /** The data checksum of the trials, or, where they trained on different data, each checksum with its trials. */
    static String checksums(List<RunRecord> rows) {
        Map<Object, List<Integer>> byChecksum = new LinkedHashMap<>();
        for (RunRecord r : rows) {
            if (r.data() == null || r.data().get("checksum") == null) continue;
            byChecksum.computeIfAbsent(r.data().get("checksum"), k -> new ArrayList<>()).add(r.trialIndex() + 1);
        }
        if (byChecksum.size() <= 1) return "checksum " + byChecksum.keySet().stream().findFirst().orElse("—");
        StringBuilder line = new StringBuilder("**trials trained on " + byChecksum.size() + " different data sets**:");
        byChecksum.forEach((sum, trials) -> line.append(" checksum ").append(sum).append(" (trials ")
                .append(String.join(", ", trials.stream().map(String::valueOf).toList())).append(");"));
        return line.deleteCharAt(line.length() - 1).toString();
    }

    private static void footer(StringBuilder md, ExperimentSpec spec, List<RunRecord> rows, List<Trial> plan, Path dir, boolean quick)
            throws IOException {
        md.append("\n## Run\n\n");
        RunRecord any = rows.stream().filter(r -> r.backend() != null && !r.backend().isEmpty()).findFirst().orElse(null);
        md.append("- trials: ").append(plan.size()).append(" (").append(spec.search().seeds() == null ? 1 : spec.search().seeds())
                .append(" seed(s) each), seeds from ").append(plan.isEmpty() ? "—" : plan.get(0).seed()).append('\n');
        if (any != null) {
            md.append("- budget `").append(ReportTable.json(any.budget())).append("` (grid keys budget.* override it per trial)\n");
            md.append("- spec hyperparameters `").append(ReportTable.json(spec.hyperparameters())).append("`\n");
            md.append("- data ").append(any.data().get("dataset")).append(", split `").append(ReportTable.json(any.data().get("split")))
                    .append("`, preprocessing ").append(any.data().get("preprocess")).append(", ")
                    .append(checksums(rows)).append('\n');
            md.append("- backend: ").append(any.backend().get("summary")).append('\n');
        }
        md.append(ReportTable.codeLine(rows));
        Set<Object> commits = rows.stream().map(r -> r.software().get("git_commit")).filter(Objects::nonNull)
                .collect(Collectors.toCollection(LinkedHashSet::new));
        md.append("- code: git ").append(commits).append("; wall times per trial in grid.csv and summary.json\n");
        ReportTable.notesAndStages(md, spec, dir, quick);
        md.append("\n## Regenerate\n\n- the search (resumes; finished trials are kept): `./repro run ").append(spec.id())
                .append(quick ? " --quick" : "").append(" --parallel 2`\n- this table from the stored trials: `./repro table ")
                .append(spec.id()).append(quick ? " --quick" : "").append("`\n");
    }

    private static String csv(ExperimentSpec spec, List<RunRecord> ranked, List<String> axes) {
        StringBuilder csv = new StringBuilder("rank,trial,id");
        for (String a : axes) csv.append(',').append(a);
        csv.append(",seed,status");
        for (Column c : spec.table().columns()) csv.append(',').append(c.metric());
        csv.append(",wall_s\n");
        for (int i = 0; i < ranked.size(); i++) {
            RunRecord r = ranked.get(i);
            csv.append(i + 1).append(',').append(r.trialIndex() + 1).append(',').append(r.trialId());
            for (String a : axes) csv.append(",\"").append(value(r.settings().get(a))).append('"');
            csv.append(',').append(r.seed()).append(',').append(r.status());
            for (Column c : spec.table().columns()) {
                double v = r.metric(c.metric());
                csv.append(',').append(Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "");
            }
            csv.append(',').append(String.format(Locale.ROOT, "%.2f", r.wallSeconds())).append('\n');
        }
        return csv.toString();
    }

    private static Map<String, Object> summary(ExperimentSpec spec, List<Trial> plan, List<RunRecord> rows,
                                               List<FigureRow> figures, List<String> edges) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("experiment", spec.id());
        s.put("status", rows.size() == plan.size() ? "completed" : "partial");
        s.put("trials_recorded", rows.size());
        s.put("trials_planned", plan.size());
        s.put("figures", ReportTable.figuresJson(figures));
        s.put("edge_of_search_space", edges);
        s.put("wall_s", rows.stream().mapToDouble(RunRecord::wallSeconds).sum());
        s.put("trials", rows.stream().map(r -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("index", r.trialIndex());
            t.put("id", r.trialId());
            t.put("overrides", r.overrides());
            t.put("seed", r.seed());
            t.put("status", r.status());
            if (r.failure() != null) t.put("failure", r.failure());
            Map<String, Object> m = new LinkedHashMap<>();
            for (Column c : spec.table().columns()) m.put(c.metric(), finite(r.metric(c.metric())));
            t.put("metrics", m);
            t.put("wall_s", r.wallSeconds());
            return t;
        }).toList());
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("spec", spec);
        rows.stream().filter(r -> r.backend() != null && !r.backend().isEmpty()).findFirst().ifPresent(r -> {
            provenance.put("backend", r.backend());
            provenance.put("data", r.data());
        });
        provenance.put("substitutions", rows.stream().map(RunRecord::substitutions).distinct().toList());
        provenance.put("software", rows.stream().map(RunRecord::software).distinct().toList());
        s.put("provenance", provenance);
        return s;
    }

    private static ExperimentSpec.ReportRow reportRow(ExperimentSpec spec, RunRecord r) {
        if (spec.reportRows() == null) return null;
        return spec.reportRows().stream().filter(row -> Metrics.matches(r.settings(), row.config())).findFirst().orElse(null);
    }

    private static String label(ExperimentSpec.TableSpec ts, String metric) {
        return ts.columns().stream().filter(c -> c.metric().equals(metric)).map(Column::label).findFirst().orElse(metric);
    }

    private static String describe(RunRecord r, List<String> axes) {
        return Stream.concat(axes.stream().map(a -> a + " " + value(r.settings().get(a))), Stream.of("seed " + r.seed()))
                .collect(Collectors.joining(", "));
    }

    /** An axis's values: numbers ascending, anything else (lists, names) in the order the plan first uses them. */
    static List<Object> distinct(List<RunRecord> rows, String key) {
        List<Object> values = new ArrayList<>();
        List<RunRecord> inPlanOrder = new ArrayList<>(rows);
        inPlanOrder.sort(Comparator.comparingInt(RunRecord::trialIndex));
        for (RunRecord r : inPlanOrder) {
            Object v = r.settings().get(key);
            if (values.stream().noneMatch(x -> Metrics.sameValue(x, v))) values.add(v);
        }
        values.sort(Comparator.comparingDouble(SearchTable::sortKey));
        return values;
    }

    private static double sortKey(Object v) {
        return v instanceof Number n ? n.doubleValue() : 0;
    }

    private static int indexOf(List<Object> values, Object v) {
        for (int i = 0; i < values.size(); i++) if (Metrics.sameValue(values.get(i), v)) return i;
        throw new IllegalStateException("value " + v + " not on the axis");
    }

    /** A setting as the reports write it: 0.001, 250, 1e+30, [200, 100]. */
    static String value(Object v) {
        if (v instanceof Double d) {
            BigDecimal b = BigDecimal.valueOf(d).round(new MathContext(4)).stripTrailingZeros();
            return Math.abs(d) >= 1e-5 && Math.abs(d) < 1e7 || d == 0 ? b.toPlainString() : b.toString().toLowerCase(Locale.ROOT);
        }
        return v == null ? "—" : String.valueOf(v);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double finiteOr(double v, double fallback) {
        return Double.isFinite(v) ? v : fallback;
    }

    static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    private static double sd(double[] v) {
        return v.length < 2 ? 0 : Metrics.sampleSd(v);
    }
}
