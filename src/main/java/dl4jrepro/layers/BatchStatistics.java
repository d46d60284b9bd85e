package dl4jrepro.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;

/**
 * Per-channel mean and (biased) variance of an NCHW minibatch, in two passes over the buffer with double accumulators.
 * DL4J M2.1's oneDNN batch-norm helper gets them from ND4J's {@code Variance} along dimensions 0, 2, 3, a strided
 * summary-statistics reduction that took 17 % of the MNIST CNN's training step (JFR), several times its batch-norm
 * forward pass; reading each channel's contiguous H·W runs instead is a plain streaming pass.
 */
final class BatchStatistics {
    private BatchStatistics() {}

    /**
     * Whether {@link #compute} can read {@code x}: single precision, rank 4, each H×W plane one contiguous run (any
     * strides between examples and channels: a dense layer's [N, C] output reaches batch norm as [N, C, 1, 1], often
     * in F order).
     */
    static boolean supports(INDArray x) {
        if (x.dataType() != DataType.FLOAT || x.rank() != 4 || x.length() >= Integer.MAX_VALUE) return false;
        long[] stride = x.stride();
        return x.size(2) * x.size(3) == 1 || stride[3] == 1 && stride[2] == x.size(3);
    }

    /** Writes the mean and variance of each channel of {@code x} [N, C, H, W] into {@code mean} and {@code var} [C]. */
    static void compute(INDArray x, INDArray mean, INDArray var) {
        int n = (int) x.size(0), channels = (int) x.size(1), plane = (int) (x.size(2) * x.size(3));
        int exampleStride = (int) x.stride(0), channelStride = (int) x.stride(1);
        FloatBuffer data = x.data().asNioFloat();
        int base = data.position();
        double count = (double) n * plane;
        double[] mu = new double[channels], sq = new double[channels];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int from = base + i * exampleStride + c * channelStride;
                double s = 0;
                for (int k = 0; k < plane; k++) s += data.get(from + k);
                mu[c] += s;
            }
        }
        for (int c = 0; c < channels; c++) mu[c] /= count;
        // Squared deviations from the mean, not E[x²] − E[x]², which cancels badly when |mean| ≫ sd.
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < channels; c++) {
                int from = base + i * exampleStride + c * channelStride;
                double m = mu[c], s = 0;
                for (int k = 0; k < plane; k++) {
                    double d = data.get(from + k) - m;
                    s += d * d;
                }
                sq[c] += s;
            }
        }
        for (int c = 0; c < channels; c++) {
            mean.putScalar(c, mu[c]);
            var.putScalar(c, sq[c] / count);
        }
    }
}
