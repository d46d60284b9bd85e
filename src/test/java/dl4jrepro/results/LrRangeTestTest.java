package dl4jrepro.results;

import dl4jrepro.base.CurvePoint;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A generated range test: flat, then falling fastest at a known rate, lowest at another, then blowing up. */
class LrRangeTestTest {
    private static final double GROWTH = Math.pow(10, 8.0 / 500);

    /** Loss against log10 of the rate: 2.3 until 1e-4, falling fastest at 10^-3, lowest at 10^-2.3, then rising. */
    private static double loss(double log10) {
        double fall = 0.4 / (1 + Math.exp(-(log10 + 3) * 4));        // a sigmoid step of 0.4 centred at 10^-3
        double rise = log10 > -2.3 ? 30 * Math.pow(log10 + 2.3, 2) : 0;
        return 2.3 - fall + rise;
    }

    private static List<CurvePoint> curve(double noise) {
        Random random = new Random(3);
        List<CurvePoint> curve = new ArrayList<>();
        for (int step = 1; step <= 400; step++) {
            // the point's rate is the next update's; its loss reflects the rate two growths earlier
            double lrNext = 1e-7 * Math.pow(GROWTH, step), behind = lrNext / (GROWTH * GROWTH);
            double l = loss(Math.log10(behind)) + noise * random.nextGaussian();
            curve.add(new CurvePoint(step, step / 100.0, l, 0.1, l, 0.1, l, 0.1, lrNext, step));
        }
        return curve;
    }

    @Test
    void readsTheSteepestFallAndTheLowestPoint() {
        LrRangeTest.Reading r = LrRangeTest.read(curve(0.0), GROWTH);
        assertEquals(-3.0, r.metrics().get("lr_range_log10_steepest"), 0.1);
        assertEquals(-2.3, r.metrics().get("lr_range_log10_lowest"), 0.1);
        assertEquals(Math.log10(1e-7 * Math.pow(GROWTH, 398)), r.metrics().get("lr_range_log10_end"), 1e-9);
    }

    @Test
    void minibatchNoiseMovesTheReadingLittle() {
        LrRangeTest.Reading r = LrRangeTest.read(curve(0.02), GROWTH);
        assertEquals(-3.0, r.metrics().get("lr_range_log10_steepest"), 0.25);
        assertEquals(-2.3, r.metrics().get("lr_range_log10_lowest"), 0.25);
    }

    @Test
    void tooShortACurveHasNoReading() {
        assertNull(LrRangeTest.read(curve(0.0).subList(0, 12), GROWTH));
    }
}
