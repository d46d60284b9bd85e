package dl4jrepro.speedups;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch norm's backward pass in training mode over an NCHW minibatch, in one read of the input and the incoming
 * gradient (bulk-copied to Java arrays) and one write of the input gradient: per channel, with x̂ = (x − μ)/σ,
 * dβ = Σ dy, dγ = Σ dy·x̂ and dx = γ/(σ·m) · (m·dy − dβ − x̂·dγ), m the count of values per channel. The same formula as
 * libnd4j's {@code batchnorm_bp}, which took a fifth of the MNIST CNN's training step (JFR), mostly in reductions
 * along dimensions 0, 2 and 3.
 */
final class BatchNormGradients {
    private BatchNormGradients() {}

    /**
     * Writes the input gradient into {@code epsAtInput} (C order, the input's shape, no view) and, when γ is present,
     * the sums dγ and dβ into their views.
     *
     * @param gamma       the scale γ [C], or null when the layer has none (then dγ, dβ are not written)
     */
    static void compute(INDArray input, INDArray epsilon, INDArray mean, INDArray var, INDArray gamma, double eps,
                 INDArray epsAtInput, INDArray dGamma, INDArray dBeta) {
        int n = (int) input.size(0), channels = (int) input.size(1), plane = (int) (input.size(2) * input.size(3));
        float[] x = JavaArrays.read(input, JavaArrays.scratch(JavaArrays.INPUT, input.length()));
        float[] dy = JavaArrays.read(epsilon, JavaArrays.scratch(JavaArrays.OUTPUT, epsilon.length()));
        float[] dx = JavaArrays.scratch(JavaArrays.INPUT_GRADIENT, input.length());
        double[] mus = new double[channels], invs = new double[channels], gammas = new double[channels];
        for (int c = 0; c < channels; c++) {
            mus[c] = mean.getDouble(c);
            invs[c] = 1 / Math.sqrt(var.getDouble(c) + eps);
            gammas[c] = gamma == null ? 1 : gamma.getDouble(c);
        }
        double[] dGammas = new double[channels], dBetas = new double[channels];
        compute(x, dy, dx, n, channels, plane, mus, invs, gammas, dGammas, dBetas);
        if (gamma != null) {
            for (int c = 0; c < channels; c++) {
                dGamma.putScalar(c, dGammas[c]);
                dBeta.putScalar(c, dBetas[c]);
            }
        }
        JavaArrays.write(dx, epsAtInput);
    }

    /**
     * The same on Java arrays, [n, channels, plane] in C order: writes dx, and the sums dγ and dβ per channel, from
     * each channel's mean μ, 1/σ and γ.
     */
    static void compute(float[] x, float[] dy, float[] dx, int n, int channels, int plane, double[] mus, double[] invs,
                        double[] gammas, double[] dGammas, double[] dBetas) {
        double m = (double) n * plane;
        ParallelLoops.forRange(channels, (first, end) -> {
            for (int c = first; c < end; c++) {
                double mu = mus[c], inv = invs[c];
                // Σ dy and Σ dy·(x − μ) over the channel, four sums each so the additions need not wait on one another
                double[] sums = new double[8];
                if (plane == 1) {
                    accumulate(x, dy, c, n * channels, channels, mu, sums);  // [N, C] from a dense layer: one strided run
                } else {
                    for (int i = 0; i < n; i++) {
                        int from = (i * channels + c) * plane;
                        accumulate(x, dy, from, from + plane, 1, mu, sums);
                    }
                }
                double sumDy = sums[0] + sums[1] + sums[2] + sums[3];
                double sumDyXhat = (sums[4] + sums[5] + sums[6] + sums[7]) * inv;
                double scale = gammas[c] * inv / m;
                // dx = A·dy + B·(x − μ) + C, in single precision so the loop runs on vector registers
                float a = (float) (scale * m), b = (float) (-scale * inv * sumDyXhat), k0 = (float) (-scale * sumDy);
                float muF = (float) mu;
                for (int i = 0; i < n; i++) {
                    int from = (i * channels + c) * plane;
                    for (int k = from; k < from + plane; k++) dx[k] = a * dy[k] + b * (x[k] - muF) + k0;
                }
                dGammas[c] = sumDyXhat;
                dBetas[c] = sumDy;
            }
        });
    }

    /**
     * Adds Σ dy into sums[0..3] and Σ dy·(x − μ) into sums[4..7] over every {@code step}-th index of [from, to), four
     * interleaved partial sums each.
     */
    private static void accumulate(float[] x, float[] dy, int from, int to, int step, double mu, double[] sums) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, t0 = 0, t1 = 0, t2 = 0, t3 = 0;
        int k = from;
        for (; k + 3 * step < to; k += 4 * step) {
            int k1 = k + step, k2 = k1 + step, k3 = k2 + step;
            s0 += dy[k];
            s1 += dy[k1];
            s2 += dy[k2];
            s3 += dy[k3];
            t0 += dy[k] * (x[k] - mu);
            t1 += dy[k1] * (x[k1] - mu);
            t2 += dy[k2] * (x[k2] - mu);
            t3 += dy[k3] * (x[k3] - mu);
        }
        for (; k < to; k += step) {
            s0 += dy[k];
            t0 += dy[k] * (x[k] - mu);
        }
        sums[0] += s0;
        sums[1] += s1;
        sums[2] += s2;
        sums[3] += s3;
        sums[4] += t0;
        sums[5] += t1;
        sums[6] += t2;
        sums[7] += t3;
    }
}
