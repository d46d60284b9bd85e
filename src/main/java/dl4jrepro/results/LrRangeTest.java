package dl4jrepro.results;

import dl4jrepro.base.CurvePoint;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a learning-rate range test (Smith 2017; fastai's lr_find): a run whose rate grows by a constant factor every
 * step ({@code lrGrowthPerStep}), evaluated every step, until the loss blows up (the budget's stop, on fastai's
 * exponential average, {@link dl4jrepro.base.SmoothedLoss}). The minibatch loss is smoothed by a centred mean and
 * read against the rate: where it falls fastest (the rate the test suggests), where it is lowest (fastai's other rule
 * takes a tenth of it), and where the test ended.
 *
 * <p>A curve point's train loss is measured before that step's update, so it shows the updates up to the previous
 * one: its rate is the point's (next-update) rate divided by the growth twice.
 */
public final class LrRangeTest {
    /** Left out of the reading, as fastai's lr_find leaves out its first steps. */
    static final int SKIP_START = 10;
    /** Half the smoothing window, in decades of rate. */
    static final double HALF_WINDOW_DECADES = 0.1;

    /** @param lr the rate behind each point; loss raw and smoothed; steepest, lowest: indices into them */
    public record Reading(double[] lr, double[] loss, double[] smoothed, int steepest, int lowest) {
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("lr_range_log10_steepest", Math.log10(lr[steepest]));
            m.put("lr_range_log10_lowest", Math.log10(lr[lowest]));
            m.put("lr_range_log10_end", Math.log10(lr[lr.length - 1]));
            return m;
        }
    }

    private LrRangeTest() {}

    /** @return the reading, or null where the curve is too short (fewer than SKIP_START + 3 finite points) */
    public static Reading read(List<CurvePoint> curve, double growth) {
        List<double[]> points = new ArrayList<>();
        for (CurvePoint p : curve) {
            if (!Double.isFinite(p.trainLoss())) break;
            points.add(new double[] {p.lr() / (growth * growth), p.trainLoss()});
        }
        int n = points.size();
        if (n < SKIP_START + 3) return null;
        double[] lr = new double[n], loss = new double[n];
        for (int i = 0; i < n; i++) {
            lr[i] = points.get(i)[0];
            loss[i] = points.get(i)[1];
        }
        // A centred mean over ±HALF_WINDOW_DECADES of rate: an exponential average (fastai's) lags behind a rate that
        // grows every step, by about 1/(1 − β) steps, and would read every point too far to the right.
        int k = Math.max(1, (int) Math.round(HALF_WINDOW_DECADES / Math.log10(growth)));
        double[] smoothed = new double[n];
        for (int i = 0; i < n; i++) {
            int from = Math.max(0, i - k), to = Math.min(n - 1, i + k);
            double sum = 0;
            for (int j = from; j <= to; j++) sum += loss[j];
            smoothed[i] = sum / (to - from + 1);
        }
        int lowest = SKIP_START;
        for (int i = SKIP_START; i < n; i++) if (smoothed[i] < smoothed[lowest]) lowest = i;
        // Steepest fall of the smoothed loss per decade of rate, across the same window, before its lowest point.
        int steepest = SKIP_START;
        double best = Double.POSITIVE_INFINITY;
        for (int i = SKIP_START; i <= lowest; i++) {
            int a = Math.max(0, i - k), b = Math.min(n - 1, i + k);
            double slope = (smoothed[b] - smoothed[a]) / (Math.log10(lr[b]) - Math.log10(lr[a]));
            if (slope < best) {
                best = slope;
                steepest = i;
            }
        }
        return new Reading(lr, loss, smoothed, steepest, lowest);
    }

    /** Loss against rate (log scale), raw and smoothed, with the steepest and lowest points marked. */
    public static void plot(Path png, String title, Reading r) throws IOException {
        XYChart c = new XYChartBuilder().width(760).height(480).title(title).xAxisTitle("learning rate (log scale)")
                .yAxisTitle("training loss (one minibatch)").build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setMarkerSize(8);
        // The blow-up would squash the rest: show from just under the lowest loss to a little above the starting one.
        double low = java.util.Arrays.stream(r.loss()).min().orElse(0), start = r.smoothed()[0];
        c.getStyler().setYAxisMin(0.95 * low);
        c.getStyler().setYAxisMax(1.25 * Math.max(start, r.smoothed()[r.lowest()]));
        c.addSeries("minibatch loss", r.lr(), r.loss()).setMarker(SeriesMarkers.NONE);
        c.addSeries("smoothed (centred mean over ±" + HALF_WINDOW_DECADES + " decade)", r.lr(), r.smoothed())
                .setMarker(SeriesMarkers.NONE);
        c.addSeries(String.format(java.util.Locale.ROOT, "steepest fall: lr %.2g (suggested)", r.lr()[r.steepest()]),
                new double[] {r.lr()[r.steepest()]}, new double[] {r.smoothed()[r.steepest()]}).setMarker(SeriesMarkers.CIRCLE);
        c.addSeries(String.format(java.util.Locale.ROOT, "lowest: lr %.2g", r.lr()[r.lowest()]),
                new double[] {r.lr()[r.lowest()]}, new double[] {r.smoothed()[r.lowest()]}).setMarker(SeriesMarkers.DIAMOND);
        PngFiles.save(png, List.of(c), 1, 1);
    }
}
