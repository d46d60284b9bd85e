package dl4jrepro.layers;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batch norm's backward pass in training mode over an NCHW minibatch, in one read of the input and the incoming
 * gradient (bulk-copied to Java arrays) and one write of the input gradient: per channel, with x̂ = (x − μ)/σ,
 * dβ = Σ dy, dγ = Σ dy·x̂ and dx = γ/(σ·m) · (m·dy − dβ − x̂·dγ), m the count of values per channel. The same formula as
 * libnd4j's {@code batchnorm_bp}, which took a fifth of the MNIST CNN's training step (JFR), mostly in reductions
 * along dimensions 0, 2 and 3.
 */
final class BatchNormGradients {
    // Reused from step to step.
    private float[] x;
    private float[] dy;
    private float[] dx;

    /**
     * Writes the input gradient into {@code epsAtInput} (C order, the input's shape, no view) and, when γ is present,
     * the sums dγ and dβ into their views.
     *
     * @param gamma the scale γ [C], or null when the layer has none (then dγ, dβ are not written)
     */
    void compute(INDArray input, INDArray epsilon, INDArray mean, INDArray var, INDArray gamma, double eps,
                 INDArray epsAtInput, INDArray dGamma, INDArray dBeta) {
        int n = (int) input.size(0), channels = (int) input.size(1), plane = (int) (input.size(2) * input.size(3));
        x = JavaArrays.read(input, x);
        dy = JavaArrays.read(epsilon, dy);
        dx = JavaArrays.atLeast(dx, input.length());
        double m = (double) n * plane;
        for (int c = 0; c < channels; c++) {
            double mu = mean.getDouble(c), inv = 1 / Math.sqrt(var.getDouble(c) + eps);
            double sumDy = 0, sumDyXhat = 0;
            for (int i = 0; i < n; i++) {
                int from = (i * channels + c) * plane;
                for (int k = from; k < from + plane; k++) {
                    sumDy += dy[k];
                    sumDyXhat += dy[k] * (x[k] - mu) * inv;
                }
            }
            double g = gamma == null ? 1 : gamma.getDouble(c), scale = g * inv / m;
            for (int i = 0; i < n; i++) {
                int from = (i * channels + c) * plane;
                for (int k = from; k < from + plane; k++) {
                    dx[k] = (float) (scale * (m * dy[k] - sumDy - (x[k] - mu) * inv * sumDyXhat));
                }
            }
            if (gamma != null) {
                dGamma.putScalar(c, sumDyXhat);
                dBeta.putScalar(c, sumDy);
            }
        }
        JavaArrays.write(dx, epsAtInput);
    }
}
