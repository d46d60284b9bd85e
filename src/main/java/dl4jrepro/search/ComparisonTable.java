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
import java.util.Optional;

/**
 * A one-factor-at-a-time study as report 003 shows it: per factor, a small table of its settings and one picture of
 * validation accuracy per epoch with a line per setting. The spec's own setting is the trial without overrides.
 */
final class ComparisonTable {
    private ComparisonTable() {}

    static void write(StringBuilder md, ExperimentSpec spec, Path dir, List<RunRecord> rows) throws IOException {
        RunRecord any = rows.stream().filter(r -> !r.budget().isEmpty()).findFirst().orElse(null);
        String budget = any == null ? "—" : ReportTable.json(any.budget());
        md.append("\n## One factor at a time\n\nEvery other setting stays at the spec's (marked ◆). Budget per trial: `")
                .append(budget).append("`.\n");
        for (Map.Entry<String, Map<String, List<Object>>> c : spec.search().comparisons().entrySet()) {
            String name = c.getKey(), key = c.getValue().keySet().iterator().next();
            Object base = spec.hyperparameters().get(key);
            md.append("\n### ").append(name).append(" (").append(key).append(")\n\n| ").append(key).append(" |");
            for (Column col : spec.table().columns()) md.append(' ').append(col.label()).append(" |");
            md.append(" status |\n|---|").append("---:|".repeat(spec.table().columns().size())).append("---|\n");
            Map<String, List<CurvePoint>> curves = new LinkedHashMap<>();
            for (Object v : c.getValue().get(key)) {
                boolean isBase = Metrics.sameValue(base, v);
                Optional<RunRecord> r = rows.stream()
                        .filter(t -> isBase ? t.overrides().isEmpty()
                                : t.overrides().size() == 1 && Metrics.sameValue(t.overrides().get(key), v))
                        .min(Comparator.comparingLong(RunRecord::seed));
                String setting = SearchTable.value(v) + (isBase ? " ◆" : "");
                md.append("| ").append(setting).append(" |");
                for (Column col : spec.table().columns()) {
                    double m = r.map(t -> t.metric(col.metric())).orElse(Double.NaN);
                    md.append(' ').append(ReportTable.num(Double.isFinite(m) ? m : null)).append(" |");
                }
                md.append(' ').append(r.map(RunRecord::status).orElse("not run yet")).append(" |\n");
                r.filter(t -> !t.curve().isEmpty()).ifPresent(t -> curves.put(key + " " + setting, t.curve()));
            }
            if (!curves.isEmpty()) {
                String png = "compare-" + name + ".png";
                LearningCurvePlot.compare(dir.resolve(png), spec.id() + ": " + name, curves,
                        any != null && any.budget().containsKey("epochs"), any == null ? null : any.budget().get("trainMetric"));
                md.append("\n![").append(name).append("](").append(png).append(")\n\nOne colour per setting: training loss "
                        + "(left); training (solid) and validation (dashed) accuracy (right). Each line is one trial at the "
                        + "budget `").append(budget).append("`, not the headline run's.\n");
            }
        }
    }
}
