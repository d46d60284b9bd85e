package dl4jrepro.speedups;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-channel mean and (biased) variance of an NCHW minibatch, in two streaming passes over its values copied to a
 * Java array, with double accumulators. DL4J M2.1's oneDNN batch-norm helper gets them from ND4J's {@code Variance}
 * along dimensions 0, 2, 3, a strided summary-statistics reduction that took 17 % of the MNIST CNN's training step
 * (JFR), several times its batch-norm forward pass.
 */
final class BatchStatistics {
    private BatchStatistics() {}

    /** Whether {@link #compute} can read {@code x}: single precision, rank 4, fewer than 2³¹ values. */
    static boolean supports(INDArray x) {
        return x.dataType() == DataType.FLOAT && x.rank() == 4 && x.length() < Integer.MAX_VALUE;
    }

    /**
     * Mean and variance of each channel of {@code x}, [N, C, plane] values in C order, into {@code mean} and
     * {@code var} [C].
     */
    static void compute(float[] x, int n, int channels, int plane, double[] mean, double[] var) {
        double count = (double) n * plane;
        ParallelLoops.forRange(channels, (first, end) -> {
            for (int c = first; c < end; c++) {
                double s = 0, q = 0;
                // Squared deviations from the mean, not E[x²] − E[x]², which cancels badly when |mean| ≫ sd.
                if (plane == 1) {
                    s = sum(x, c, n * channels, channels, 0, false);
                } else {
                    for (int i = 0; i < n; i++) s += sum(x, (i * channels + c) * plane, (i * channels + c + 1) * plane, 1, 0, false);
                }
                double mu = s / count;
                if (plane == 1) {
                    q = sum(x, c, n * channels, channels, mu, true);
                } else {
                    for (int i = 0; i < n; i++) q += sum(x, (i * channels + c) * plane, (i * channels + c + 1) * plane, 1, mu, true);
                }
                mean[c] = mu;
                var[c] = q / count;
            }
        });
    }

    /**
     * Σ x, or Σ (x − μ)² when {@code squares}, over every {@code step}-th index of [from, to): four interleaved partial
     * sums, so the additions need not wait on one another.
     */
    private static double sum(float[] x, int from, int to, int step, double mu, boolean squares) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = from;
        if (squares) {
            for (; k + 3 * step < to; k += 4 * step) {
                double d0 = x[k] - mu, d1 = x[k + step] - mu, d2 = x[k + 2 * step] - mu, d3 = x[k + 3 * step] - mu;
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            for (; k < to; k += step) {
                double d = x[k] - mu;
                s0 += d * d;
            }
        } else {
            for (; k + 3 * step < to; k += 4 * step) {
                s0 += x[k];
                s1 += x[k + step];
                s2 += x[k + 2 * step];
                s3 += x[k + 3 * step];
            }
            for (; k < to; k += step) s0 += x[k];
        }
        return s0 + s1 + s2 + s3;
    }
}
