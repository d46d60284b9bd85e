package dl4jrepro.results;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Bar charts, one per search axis: the best and the mean of a metric for each of the axis's values. */
public final class AxisPlot {
    private AxisPlot() {}

    /** An axis: its value labels, and per value the best and the mean (NaN where no trial has a value). */
    public record Axis(String name, List<String> labels, double[] best, double[] mean) {}

    public static void write(Path png, String metric, List<Axis> axes) throws IOException {
        // Values sit close together (a grid's good part), so the bars start a little below the lowest, not at zero.
        double low = axes.stream().flatMapToDouble(a -> Arrays.stream(a.mean())).filter(Double::isFinite).min().orElse(0);
        double floor = Math.max(0, Math.floor((low - 0.05) * 20) / 20);
        List<CategoryChart> charts = new ArrayList<>();
        for (Axis a : axes) {
            CategoryChart c = new CategoryChartBuilder().width(380).height(340)
                    .title(a.name()).xAxisTitle(a.name()).yAxisTitle(metric).build();
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            c.getStyler().setYAxisMin(floor);
            c.addSeries("best", a.labels(), orFloor(a.best(), floor));
            c.addSeries("mean", a.labels(), orFloor(a.mean(), floor));
            charts.add(c);
        }
        // One row: XChart's grid needs every cell filled, and an axis count rarely divides evenly.
        PngFiles.save(png, charts, 1, charts.size());
    }

    /** A value with no trial (all diverged) is drawn as an empty bar; the table beside says "—". */
    private static List<Double> orFloor(double[] v, double floor) {
        return Arrays.stream(v).map(x -> Double.isFinite(x) ? x : floor).boxed().toList();
    }
}
