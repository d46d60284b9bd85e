package dl4jrepro.results;

import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** A grid of values as coloured cells with the value printed in each: search heat maps and confusion matrices. */
public final class HeatMapPlot {
    private HeatMapPlot() {}

    /** A confusion matrix: true class down, predicted class across, counts in the cells. */
    public static void confusion(Path png, String title, int[][] counts, List<String> classNames) throws IOException {
        // The chart's y axis grows upwards; rows go in reversed so the first class reads at the top, as tables do.
        int n = counts.length;
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) v[i] = Arrays.stream(counts[n - 1 - i]).asDoubleStream().toArray();
        List<String> down = new ArrayList<>(classNames);
        Collections.reverse(down);
        write(png, title, "predicted", classNames, "true class", down, v);
    }

    /**
     * @param values values[y][x]; NaN cells (no finished trial) are left blank
     */
    public static void write(Path png, String title, String xTitle, List<String> xLabels, String yTitle,
                             List<String> yLabels, double[][] values) throws IOException {
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(520, 100 * xLabels.size() + 220))
                .height(Math.max(380, 45 * yLabels.size() + 160)).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setValueFontColor(Color.BLACK);
        // Light to mid colours keep the black values readable in every cell.
        chart.getStyler().setRangeColors(new Color[] {new Color(0xffffcc), new Color(0xfed976), new Color(0xfd8d3c)});
        chart.getStyler().setLegendVisible(true);
        List<Number[]> cells = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < yLabels.size(); y++) {
            for (int x = 0; x < xLabels.size(); x++) {
                double v = values[y][x];
                if (!Double.isFinite(v)) continue;
                cells.add(new Number[] {x, y, v == Math.rint(v) ? (Number) (long) v : (Number) (Math.round(v * 1000) / 1000.0)});
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (cells.isEmpty()) return;
        // Columns are narrow: x labels are shortened; y labels have the whole left margin.
        chart.addSeries(title, xLabels.stream().map(HeatMapPlot::shortLabel).toList(), yLabels, cells);
        if (min == max) chart.getStyler().setMin(min - 1e-3).setMax(max + 1e-3);
        PngFiles.save(png, List.of(chart), 1, 1);
    }

    private static final int LONGEST_LABEL = 10;

    /**
     * A column label short enough not to run into its neighbours: a long list keeps its ends and its length
     * ("500…50 (9)"), other long text is cut with an ellipsis. The table beside the picture has the full values.
     */
    static String shortLabel(String label) {
        if (label.length() <= LONGEST_LABEL) return label;
        if (label.startsWith("[") && label.endsWith("]")) {
            String[] items = label.substring(1, label.length() - 1).split(",\\s*");
            return items[0] + "…" + items[items.length - 1] + " (" + items.length + ")";
        }
        return label.substring(0, LONGEST_LABEL - 1) + "…";
    }
}
