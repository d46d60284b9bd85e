package dl4jrepro.speedups;

import dl4jrepro.families.ScheduledUpdater;
import dl4jrepro.families.TorchAdadelta;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * {@link TorchAdadelta}'s step in one Java loop over the native buffers, in single precision. TorchAdadelta is written
 * in ND4J ops, a dozen passes over the parameters with a temporary array for most of them; on report 004's MLPs (B3)
 * its step outweighed the layers' matrix products. Same operations in the same order, so the same steps (see
 * FastAdadeltaTest). Double precision and arrays that are not contiguous take TorchAdadelta's ops.
 */
public final class FastAdadelta extends TorchAdadelta implements ChunkedUpdater {
    /** For JSON: DL4J serialises an updater's class name and fields. */
    public FastAdadelta() {
        super();
    }

    public FastAdadelta(double rho, double epsilon, ISchedule learningRateSchedule) {
        super(rho, epsilon, learningRateSchedule);
    }

    @Override
    protected void step(INDArray gradient, INDArray[] state, double learningRate, int iteration) {
        INDArray squareAvg = state[0], deltaAvg = state[1];
        if (!StateLoops.floatLoopApplies(gradient, squareAvg, deltaAvg)) {
            super.step(gradient, state, learningRate, iteration);
            return;
        }
        StateLoops.floatChunks(gradient, squareAvg, deltaAvg, floatStep(learningRate, iteration));
    }

    @Override
    public StateLoops.FloatChunk floatStep(double learningRate, int iteration) {
        // ND4J applies a double scalar to a float array as a float.
        float rho = (float) getRho(), keep = (float) (1 - getRho()), eps = (float) getEpsilon(), lr = (float) learningRate;
        return (g, sq, dl, len) -> {
            for (int i = 0; i < len; i++) {
                float gi = g[i];
                float s = sq[i] * rho + gi * gi * keep;
                float delta = (float) Math.sqrt(dl[i] + eps) / (float) Math.sqrt(s + eps) * gi;
                sq[i] = s;
                dl[i] = dl[i] * rho + delta * delta * keep;
                g[i] = delta * lr;
            }
        };
    }

    @Override
    protected ScheduledUpdater withSchedule(ISchedule schedule) {
        return new FastAdadelta(getRho(), getEpsilon(), schedule);
    }
}
