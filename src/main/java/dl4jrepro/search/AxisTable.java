package dl4jrepro.search;

import dl4jrepro.base.Metrics;
import dl4jrepro.results.AxisPlot;
import dl4jrepro.results.RunRecord;
import dl4jrepro.spec.ExperimentSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A grid read one hyperparameter at a time, as reports discuss their searches ("batch 256 is optimal, 128 the worst"):
 * for each value of an axis, the best and the mean of the table's ranking metric over every trial with that value, beside
 * the value the report calls optimal. Built from the trial records only, like the rest of the table.
 */
final class AxisTable {
    private AxisTable() {}

    /** One value of an axis: its trials with a finite result, their best and mean. */
    record Cell(Object value, int trials, double best, double mean) {}

    static List<Cell> cells(List<RunRecord> rows, String axis, String metric) {
        boolean lower = Metrics.lowerIsBetter(metric);
        List<Cell> cells = new ArrayList<>();
        for (Object v : SearchTable.distinct(rows, axis)) {
            double[] m = rows.stream().filter(r -> Metrics.sameValue(r.settings().get(axis), v))
                    .mapToDouble(r -> r.metric(metric)).filter(Double::isFinite).toArray();
            double best = m.length == 0 ? Double.NaN : lower ? Arrays.stream(m).min().getAsDouble() : Arrays.stream(m).max().getAsDouble();
            cells.add(new Cell(v, m.length, best, Arrays.stream(m).average().orElse(Double.NaN)));
        }
        return cells;
    }

    static void write(StringBuilder md, ExperimentSpec spec, Path dir, List<RunRecord> rows, String sortLabel)
            throws IOException {
        String metric = spec.table().sortBy();
        boolean lower = Metrics.lowerIsBetter(metric);
        md.append("\n## One hyperparameter at a time\n\n")
                .append("For each value of an axis, the best and the mean ").append(sortLabel)
                .append(" over every trial with that value (diverged trials have no value and are left out of both); ")
                .append("◆ marks the value the report calls optimal, ★ the best mean here.\n\n");
        List<AxisPlot.Axis> plots = new ArrayList<>();
        for (Map.Entry<String, Object> axis : spec.table().perAxis().entrySet()) {
            List<Cell> cells = cells(rows, axis.getKey(), metric);
            if (cells.isEmpty()) continue;
            int bestMean = -1;
            for (int i = 0; i < cells.size(); i++) {
                double m = cells.get(i).mean();
                if (Double.isFinite(m) && (bestMean < 0 || (lower ? m < cells.get(bestMean).mean() : m > cells.get(bestMean).mean()))) {
                    bestMean = i;
                }
            }
            md.append("| ").append(axis.getKey()).append(" | trials | best | mean |\n|---|---:|---:|---:|\n");
            for (int i = 0; i < cells.size(); i++) {
                Cell c = cells.get(i);
                String marks = (axis.getValue() != null && Metrics.sameValue(c.value(), axis.getValue()) ? " ◆" : "")
                        + (i == bestMean ? " ★" : "");
                md.append("| ").append(SearchTable.value(c.value())).append(marks).append(" | ").append(c.trials())
                        .append(" | ").append(num(c.best())).append(" | ").append(num(c.mean())).append(" |\n");
            }
            md.append('\n');
            plots.add(new AxisPlot.Axis(axis.getKey(), cells.stream().map(c -> SearchTable.value(c.value())).toList(),
                    cells.stream().mapToDouble(Cell::best).toArray(), cells.stream().mapToDouble(Cell::mean).toArray()));
        }
        if (!plots.isEmpty()) {
            AxisPlot.write(dir.resolve("per-axis.png"), sortLabel, plots);
            md.append("Best (blue) and mean (yellow) ").append(sortLabel).append(" per value, the bars starting near the lowest "
                    + "mean:\n\n![one hyperparameter at a time](per-axis.png)\n");
        }
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "—";
    }
}
