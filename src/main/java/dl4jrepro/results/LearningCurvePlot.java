package dl4jrepro.results;

import dl4jrepro.base.CurvePoint;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Loss and accuracy against training progress for train, validation and test, side by side in one PNG, with the
 * learning rate beside them where it changes.
 */
public final class LearningCurvePlot {
    private LearningCurvePlot() {}

    /**
     * What the "train" points are, as the budget's {@code trainMetric} says: the whole training split ("full"), the
     * running mean over the epoch's minibatches ("running"), or one minibatch ("last-batch").
     */
    static String trainSource(Object trainMetric) {
        return switch (String.valueOf(trainMetric)) {
            case "running" -> " (running mean over the epoch)";
            case "last-batch" -> " (one minibatch)";
            default -> "";
        };
    }

    /** @param trainMetric the budget's trainMetric, which says what the train points measure */
    public static void write(Path png, String title, List<CurvePoint> curve, boolean byEpoch, Object trainMetric)
            throws IOException {
        String xTitle = byEpoch ? "epoch" : "step";
        double[] x = curve.stream().mapToDouble(p -> byEpoch ? p.epoch() : p.step()).toArray();
        // Loss falls and accuracy rises, so each legend goes where its curves are not.
        XYChart loss = chart(title + ": loss (cross-entropy)", xTitle, "loss", Styler.LegendPosition.InsideNE);
        XYChart acc = chart(title + ": accuracy", xTitle, "accuracy", Styler.LegendPosition.InsideSE);
        String train = "train" + trainSource(trainMetric);
        addSeries(loss, train, x, curve, CurvePoint::trainLoss);
        addSeries(loss, "val", x, curve, CurvePoint::valLoss);
        addSeries(loss, "test", x, curve, CurvePoint::testLoss);
        addSeries(acc, train, x, curve, CurvePoint::trainAcc);
        addSeries(acc, "val", x, curve, CurvePoint::valAcc);
        addSeries(acc, "test", x, curve, CurvePoint::testAcc);
        // A rate that changes during training (decay, a range test) is drawn beside the curves, as report 000's figure does.
        double[] lr = curve.stream().mapToDouble(CurvePoint::lr).toArray();
        if (Arrays.stream(lr).allMatch(v -> Double.isFinite(v) && v > 0)
                && Arrays.stream(lr).max().orElse(0) > Arrays.stream(lr).min().orElse(0) * (1 + 1e-9)) {
            XYChart rate = chart(title + ": learning rate", xTitle, "learning rate (log scale)", Styler.LegendPosition.InsideNE);
            rate.getStyler().setYAxisLogarithmic(true);
            rate.getStyler().setLegendVisible(false);
            rate.addSeries("learning rate", x, lr).setMarker(SeriesMarkers.NONE);
            PngFiles.save(png, List.of(loss, acc, rate), 1, 3);
            return;
        }
        PngFiles.save(png, List.of(loss, acc), 1, 2);
    }

    /** Several runs in one picture: training loss and validation accuracy, one line per run. */
    public static void compare(Path png, String title, Map<String, List<CurvePoint>> curves, boolean byEpoch,
                               Object trainMetric) throws IOException {
        String xTitle = byEpoch ? "epoch" : "step";
        // Run names are long and the lines many: legends inside the plot would hide them, so they go below it.
        int legendHeight = 22 * (2 * curves.size() + 1);
        XYChart loss = chart(title + ": training loss" + trainSource(trainMetric), xTitle, "loss",
                Styler.LegendPosition.OutsideS, legendHeight);
        XYChart acc = chart(title + ": training and validation accuracy", xTitle, "accuracy", Styler.LegendPosition.OutsideS,
                legendHeight);
        int i = 0;
        for (var e : curves.entrySet()) {
            // One colour per run; its validation line is dashed beside its solid training line.
            Color colour = PALETTE[i++ % PALETTE.length];
            double[] x = e.getValue().stream().mapToDouble(p -> byEpoch ? p.epoch() : p.step()).toArray();
            style(addSeries(loss, e.getKey(), x, e.getValue(), CurvePoint::trainLoss), colour, false);
            style(addSeries(acc, e.getKey() + " train", x, e.getValue(), CurvePoint::trainAcc), colour, false);
            style(addSeries(acc, e.getKey() + " val", x, e.getValue(), CurvePoint::valAcc), colour, true);
        }
        PngFiles.save(png, List.of(loss, acc), 1, 2);
    }

    /** Loss of each step, one line per run, on a log scale (a replay's losses fall by orders of magnitude). */
    public static void losses(Path png, String title, Map<String, List<Double>> losses) throws IOException {
        XYChart c = chart(title, "step", "loss (log scale)", Styler.LegendPosition.InsideNE);
        c.getStyler().setYAxisLogarithmic(true);
        for (var e : losses.entrySet()) {
            double[] x = new double[e.getValue().size()];
            Arrays.setAll(x, i -> i + 1);
            c.addSeries(e.getKey(), x, e.getValue().stream().mapToDouble(Double::doubleValue).toArray())
                    .setMarker(SeriesMarkers.NONE);
        }
        PngFiles.save(png, List.of(c), 1, 1);
    }

    private static XYChart chart(String title, String xTitle, String yTitle, Styler.LegendPosition legend) {
        return chart(title, xTitle, yTitle, legend, 0);
    }

    private static XYChart chart(String title, String xTitle, String yTitle, Styler.LegendPosition legend, int extraHeight) {
        XYChart c = new XYChartBuilder().width(640).height(420 + extraHeight).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(legend);
        c.getStyler().setMarkerSize(4);
        return c;
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e),
            new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    /** @return the series, or null when the curve has no finite value of this kind */
    private static org.knowm.xchart.XYSeries addSeries(XYChart chart, String name, double[] x, List<CurvePoint> curve,
                                                       ToDoubleFunction<CurvePoint> value) {
        double[] y = curve.stream().mapToDouble(value).toArray();
        if (y.length == 0 || Arrays.stream(y).noneMatch(Double::isFinite)) return null;
        org.knowm.xchart.XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        return s;
    }

    private static void style(org.knowm.xchart.XYSeries s, Color colour, boolean dashed) {
        if (s == null) return;
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        if (dashed) s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
    }
}
