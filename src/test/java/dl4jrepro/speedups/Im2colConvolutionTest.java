package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Im2colConvolution} computes libnd4j's convolution ({@code conv2d}, {@code conv2d_bp}, in double precision as
 * the reference) to float rounding: output, weight, bias and input gradients, over kernel sizes, strides, paddings,
 * DL4J's Same mode and a minibatch split into several chunks; and so do {@link DnnlConvolution}'s forward pass, with
 * and without the bias, and its backward pass, with and without the input gradient, into the same views.
 */
class Im2colConvolutionTest {
    @ParameterizedTest(name = "batch {0}, {1}→{2} channels, {3}x{4} in, kernel {5}, stride {6}, padding {7}, {8}")
    @CsvSource({
            "5, 3, 4, 9, 9, 5, 1, 0, Truncate",   // C1's valid 5×5
            "7, 8, 6, 4, 4, 3, 1, 0, Same",       // C2's 3×3 on small maps
            "3, 2, 5, 7, 7, 3, 2, 1, Truncate",   // stride 2 with explicit padding
            "4, 3, 3, 8, 6, 3, 2, 0, Same",       // Same with stride 2: padding only at the bottom right
            "20, 16, 4, 32, 32, 3, 1, 0, Same"})  // 147k floats of patches per sample: the batch runs in 2 chunks
    void sameAsLibnd4jsConvolution(int n, int c, int co, int h, int w, int k, int stride, int pad, ConvolutionMode mode) {
        Nd4j.getRandom().setSeed(n * 31L + c);
        INDArray x = Nd4j.rand(DataType.DOUBLE, n, c, h, w).subi(0.5), weights = Nd4j.rand(DataType.DOUBLE, co, c, k, k).subi(0.5);
        INDArray bias = Nd4j.rand(DataType.DOUBLE, co).subi(0.5);
        int[] strides = {stride, stride}, padding = {pad, pad};
        Im2colConvolution.Geometry g = Im2colConvolution.Geometry.of(x, weights, strides, padding, mode);
        if (n == 20) assertTrue(g.chunk() < n, "the last case splits its batch: " + g.chunk());
        INDArray delta = Nd4j.rand(DataType.DOUBLE, g.outputShape()).subi(0.5);

        int[] args = {k, k, stride, stride, mode == ConvolutionMode.Same ? 0 : pad, mode == ConvolutionMode.Same ? 0 : pad,
                1, 1, mode == ConvolutionMode.Same ? 1 : 0, 0, 1};
        INDArray z = Nd4j.create(DataType.DOUBLE, g.outputShape());
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, weights, bias).addOutputs(z).addIntegerArguments(args).build());
        INDArray gx = Nd4j.create(DataType.DOUBLE, x.shape()), gw = Nd4j.create(DataType.DOUBLE, weights.shape());
        INDArray gb = Nd4j.create(DataType.DOUBLE, co);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, weights, bias, delta).addOutputs(gx, gw, gb)
                .addIntegerArguments(args).build());

        INDArray zf = Nd4j.create(DataType.FLOAT, g.outputShape());
        Im2colConvolution.forward(g, f(x), f(weights), f(bias), zf);
        close("output", z, zf);
        INDArray zd = Nd4j.create(DataType.FLOAT, g.outputShape());
        // the bias as DL4J's layers hold it: a [1, co] view inside the flat parameters, after other values
        INDArray params = Nd4j.create(DataType.FLOAT, 1, co + 3);
        INDArray biasView = params.get(NDArrayIndex.point(0), NDArrayIndex.interval(3, 3 + co)).reshape(1, co);
        biasView.assign(f(bias));
        DnnlConvolution.forward(g, f(x), f(weights), biasView, zd);
        close("javacpp's oneDNN: output", z, zd);
        INDArray zn = Nd4j.create(DataType.FLOAT, g.outputShape());
        DnnlConvolution.forward(g, f(x), f(weights), null, zn);
        close("javacpp's oneDNN without the bias: output", z.sub(bias.reshape(1, co, 1, 1).broadcast(z.shape())), zn);
        for (String kernel : new String[] {"im2col", "javacpp's oneDNN", "javacpp's oneDNN without the input gradient"}) {
            // the gradients into views of one flat array (the bias first, as DL4J's convolution layers hold them)
            INDArray flat = Nd4j.create(DataType.FLOAT, 1, co + weights.length());
            INDArray gbf = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, co));
            INDArray gwf = flat.get(NDArrayIndex.point(0),
                    NDArrayIndex.interval(co, co + weights.length())).reshape('c', weights.shape());
            INDArray gxf = kernel.endsWith("input gradient") ? null : Nd4j.create(DataType.FLOAT, x.shape());
            if (kernel.equals("im2col")) Im2colConvolution.backward(g, f(x), f(weights), f(delta), gwf, gbf, gxf);
            else DnnlConvolution.backward(g, f(x), f(weights), f(delta), gwf, gbf, gxf);
            close(kernel + ": weight gradient", gw, gwf);
            close(kernel + ": bias gradient", gb, gbf.reshape(co));
            if (gxf != null) close(kernel + ": input gradient", gx, gxf);
            assertTrue(flat.getDouble(0, co) != 0, kernel + ": the weight gradient landed in the flat array");
        }
    }

    private static INDArray f(INDArray a) {
        return a.castTo(DataType.FLOAT);
    }

    /**
     * Within float rounding: each entry sums at most a few thousand products of values under 1, so single precision
     * parts from double by about 1e-6 of the sum of their magnitudes; a wrong index or a missing term parts by 1e-1.
     */
    private static void close(String what, INDArray reference, INDArray candidate) {
        double diff = Transforms.abs(reference.sub(candidate.castTo(DataType.DOUBLE))).maxNumber().doubleValue();
        double scale = Math.max(1, reference.amaxNumber().doubleValue());
        assertTrue(diff <= 1e-5 * scale, what + ": largest difference " + diff + " (scale " + scale + ")");
    }
}
