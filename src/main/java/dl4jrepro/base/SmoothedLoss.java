package dl4jrepro.base;

/**
 * An exponential moving average of a loss, debiased for its first steps, and the lowest value it has taken: how a
 * learning-rate range test (Smith 2017, as fastai runs it) reads a noisy minibatch loss.
 */
public final class SmoothedLoss {
    /** fastai's smoothing: each step's loss weighs 2 %. */
    public static final double BETA = 0.98;

    private double average, lowest = Double.POSITIVE_INFINITY;
    private int steps;

    /** @return the smoothed loss after adding {@code loss} */
    public double add(double loss) {
        steps++;
        average = BETA * average + (1 - BETA) * loss;
        double smoothed = average / (1 - Math.pow(BETA, steps));
        lowest = Math.min(lowest, smoothed);
        return smoothed;
    }

    public double lowest() {
        return lowest;
    }
}
