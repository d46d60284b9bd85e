package dl4jrepro.results;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Report 003 fig. 2: the fitted curve over the training and test points, and a histogram of the trained weights. */
public final class RegressionPlots {
    private RegressionPlots() {}

    /**
     * @param curveX, curveY the network's output on a fine grid over the interval
     * @param dark           intervals without training points, shaded
     */
    public static void fit(Path png, String title, double[] trainX, double[] trainY, double[] testX, double[] testY,
                           double[] curveX, double[] curveY, List<double[]> dark) throws IOException {
        XYChart c = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("x").yAxisTitle("y").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        double top = max(trainY, testY, curveY), bottom = min(trainY, testY, curveY);
        double pad = 0.05 * (top - bottom);
        c.getStyler().setYAxisMin(bottom - pad).setYAxisMax(top + pad);
        for (int i = 0; i < dark.size(); i++) {
            // An area series fills between its line and y = 0: one up to the top and one down to the bottom make a
            // band across the whole height.
            for (double edge : new double[] {top + pad, bottom - pad}) {
                XYSeries band = c.addSeries("no training points" + (i == 0 && edge > bottom ? "" : " " + i + edge),
                        new double[] {dark.get(i)[0], dark.get(i)[1]}, new double[] {edge, edge});
                band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
                band.setFillColor(new Color(0, 0, 0, 28));
                band.setLineColor(new Color(0, 0, 0, 0));
                band.setMarker(SeriesMarkers.NONE);
                band.setShowInLegend(i == 0 && edge > bottom);
            }
        }
        points(c, "training points", trainX, trainY, new Color(0x1f77b4));
        points(c, "test points", testX, testY, new Color(0xff7f0e));
        XYSeries model = c.addSeries("network", curveX, curveY);
        model.setMarker(SeriesMarkers.NONE);
        model.setLineColor(new Color(0xd62728));
        model.setLineWidth(2.5f);
        PngFiles.save(png, List.of(c), 1, 1);
    }

    private static void points(XYChart c, String name, double[] x, double[] y, Color colour) {
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(colour);
    }

    /** A histogram of every weight (biases excluded), {@code bins} equal bins. */
    public static void weights(Path png, String title, double[] weights, int bins) throws IOException {
        double lo = Arrays.stream(weights).min().orElse(0), hi = Arrays.stream(weights).max().orElse(1);
        double width = (hi - lo) / bins;
        List<String> labels = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            labels.add(String.format(Locale.ROOT, "%.2f", lo + (b + 0.5) * width));
            counts.add(0);
        }
        for (double w : weights) {
            int b = width == 0 ? 0 : Math.min(bins - 1, (int) ((w - lo) / width));
            counts.set(b, counts.get(b) + 1);
        }
        CategoryChart c = new CategoryChartBuilder().width(900).height(420).title(title).xAxisTitle("weight (bin centre)")
                .yAxisTitle("count").build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisLabelRotation(90);
        c.getStyler().setAvailableSpaceFill(0.95);
        c.addSeries("weights", labels, counts);
        PngFiles.save(png, List.of(c), 1, 1);
    }

    private static double max(double[]... arrays) {
        double m = Double.NEGATIVE_INFINITY;
        for (double[] a : arrays) for (double v : a) if (Double.isFinite(v)) m = Math.max(m, v);
        return m;
    }

    private static double min(double[]... arrays) {
        double m = Double.POSITIVE_INFINITY;
        for (double[] a : arrays) for (double v : a) if (Double.isFinite(v)) m = Math.min(m, v);
        return m;
    }
}
