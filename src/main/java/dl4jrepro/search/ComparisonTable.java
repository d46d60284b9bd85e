package dl4jrepro.search;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Metrics;
import dl4jrepro.results.LearningCurvePlot;
import dl4jrepro.results.ReportTable;
import dl4jrepro.results.RunRecord;
import dl4jrepro.spec.ExperimentSpec.Column;
import dl4jrepro.spec.ExperimentSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A one-factor-at-a-time study as report 003 shows it: per factor, a small table of its settings and one picture of
 * validation accuracy per epoch with a line per setting. The spec's own setting is the trial without overrides. With
 * several seeds a setting's cells are means ± sds, and its difference from the spec's setting says whether it is beyond
 * the seeds' spread: a report's claim about a factor holds only where it is.
 */
final class ComparisonTable {
    private ComparisonTable() {}

    static void write(StringBuilder md, ExperimentSpec spec, Path dir, List<RunRecord> rows) throws IOException {
        RunRecord any = rows.stream().filter(r -> !r.budget().isEmpty()).findFirst().orElse(null);
        String budget = any == null ? "—" : ReportTable.json(any.budget());
        String judged = spec.table().columns().get(0).metric();
        md.append("\n## One factor at a time\n\nEvery other setting stays at the spec's (marked ◆). Budget per trial: `")
                .append(budget).append("`. With several seeds a cell is the mean ± the sample sd over them (n runs); ")
                .append("Δ is the difference of the first column's means from ◆'s, and it is beyond the spread where it ")
                .append("exceeds twice its own sd, √(sd²/n + sd◆²/n◆).\n");
        for (Map.Entry<String, Map<String, List<Object>>> c : spec.search().comparisons().entrySet()) {
            String name = c.getKey(), key = c.getValue().keySet().iterator().next();
            Object base = spec.hyperparameters().get(key);
            List<RunRecord> baseRuns = runsOf(rows, key, base, base);
            md.append("\n### ").append(name).append(" (").append(key).append(")\n\n| ").append(key).append(" |");
            for (Column col : spec.table().columns()) md.append(' ').append(col.label()).append(" |");
            md.append(" Δ ").append(spec.table().columns().get(0).label()).append(" | beyond the spread | runs |\n|---|")
                    .append("---:|".repeat(spec.table().columns().size())).append("---:|---|---|\n");
            Map<String, List<CurvePoint>> curves = new LinkedHashMap<>();
            for (Object v : c.getValue().get(key)) {
                boolean isBase = Metrics.sameValue(base, v);
                List<RunRecord> runs = runsOf(rows, key, base, v);
                String setting = SearchTable.value(v) + (isBase ? " ◆" : "");
                md.append("| ").append(setting).append(" |");
                for (Column col : spec.table().columns()) md.append(' ').append(meanSd(values(runs, col.metric()))).append(" |");
                double[] a = values(runs, judged), b = values(baseRuns, judged);
                if (isBase || a.length == 0 || b.length == 0) {
                    md.append(" | |");
                } else {
                    double delta = SearchTable.mean(a) - SearchTable.mean(b);
                    double sd = Math.sqrt(variance(a) / a.length + variance(b) / b.length);
                    md.append(' ').append(ReportTable.signed(delta)).append(" | ")
                            .append(Double.isFinite(sd) ? (Math.abs(delta) > 2 * sd ? "yes" : "no") : "one seed: not known")
                            .append(" |");
                }
                md.append(' ').append(runs.isEmpty() ? "not run yet" : runs.size() + " " + statuses(runs)).append(" |\n");
                runs.stream().filter(t -> !t.curve().isEmpty()).min(Comparator.comparingLong(RunRecord::seed))
                        .ifPresent(t -> curves.put(key + " " + setting, t.curve()));
            }
            if (!curves.isEmpty()) {
                String png = "compare-" + name + ".png";
                LearningCurvePlot.compare(dir.resolve(png), spec.id() + ": " + name, curves,
                        any != null && any.budget().containsKey("epochs"), any == null ? null : any.budget().get("trainMetric"));
                md.append("\n![").append(name).append("](").append(png).append(")\n\nOne colour per setting: training loss "
                        + "(left); training (solid) and validation (dashed) accuracy (right). Each line is one trial (the "
                        + "lowest seed) at the budget `").append(budget).append("`, not the headline run's.\n");
            }
        }
    }

    /** The trials of one setting of a factor, every seed: the spec's own setting is the trial without overrides. */
    private static List<RunRecord> runsOf(List<RunRecord> rows, String key, Object base, Object v) {
        boolean isBase = Metrics.sameValue(base, v);
        return rows.stream().filter(t -> isBase ? t.overrides().isEmpty()
                : t.overrides().size() == 1 && Metrics.sameValue(t.overrides().get(key), v)).toList();
    }

    private static double[] values(List<RunRecord> runs, String metric) {
        return runs.stream().mapToDouble(t -> t.metric(metric)).filter(Double::isFinite).toArray();
    }

    private static String meanSd(double[] v) {
        if (v.length == 0) return "—";
        if (v.length == 1) return ReportTable.num(v[0]);
        return ReportTable.num(SearchTable.mean(v)) + " ± " + ReportTable.num(Math.sqrt(variance(v))) + " (" + v.length + ")";
    }

    private static String statuses(List<RunRecord> runs) {
        Map<String, Long> n = new TreeMap<>();
        for (RunRecord r : runs) n.merge(r.status(), 1L, Long::sum);
        return n.size() == 1 ? n.keySet().iterator().next() : n.toString();
    }

    /** Sample variance; NaN for a single value. */
    private static double variance(double[] v) {
        double sd = Metrics.sampleSd(v);
        return sd * sd;
    }
}
