package dl4jrepro.results;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A grid of values as coloured cells with the value printed in each: search heat maps and confusion matrices. */
public final class HeatMapPlot {
    private HeatMapPlot() {}

    /**
     * @param values values[y][x]; NaN cells (no finished trial) are left blank
     */
    public static void write(Path png, String title, String xTitle, List<String> xLabels, String yTitle,
                             List<String> yLabels, double[][] values) throws IOException {
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(520, 90 * xLabels.size() + 200))
                .height(Math.max(380, 45 * yLabels.size() + 160)).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setValueFontColor(Color.BLACK);
        chart.getStyler().setRangeColors(new Color[] {new Color(0xf7fbff), new Color(0x6baed6), new Color(0x08306b)});
        chart.getStyler().setLegendVisible(true);
        List<Number[]> cells = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < yLabels.size(); y++) {
            for (int x = 0; x < xLabels.size(); x++) {
                double v = values[y][x];
                if (!Double.isFinite(v)) continue;
                cells.add(new Number[] {x, y, Math.round(v * 1000) / 1000.0});
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (cells.isEmpty()) return;
        chart.addSeries(title, xLabels, yLabels, cells);
        if (min == max) chart.getStyler().setMin(min - 1e-3).setMax(max + 1e-3);
        Path tmp = AtomicFiles.tempBeside(png).resolveSibling("." + png.getFileName() + ".tmp.png");
        try {
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            AtomicFiles.moveInto(tmp, png);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
