package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * A single-precision 2-D convolution (NCHW, no dilation) as im2col and BLAS matrix products, forward and backward,
 * over chunks of the minibatch: the patches of a chunk's samples side by side, so that on small maps one product
 * covers many samples.
 *
 * <p>Why: oneDNN 2.3, as ND4J calls it, runs the backward pass of the VGG net's 3×3 layers on small maps and wide
 * inputs far below the machine's matrix-product speed, and libnd4j's own im2col kernel spends its time copying patches
 * through permuted views (results/benchmarks/conv-backward.md measures all three per layer shape). Here the patches are
 * gathered by Java loops in the order the products read them, and the three products (output, weight gradient, input
 * gradient) go to OpenBLAS as plain C-order matrices. {@link FastConvLayer} uses the backward pass; the forward pass
 * stays with oneDNN, which is as fast there, and is kept for the benchmark that measured that (ConvBackward).
 *
 * <p>The class holds no state of its own: the buffers are kept between calls, one set per thread, shared by all
 * layers, since a call's buffers hold nothing the next call needs and a network's layers run one after another on one
 * thread. The whole-minibatch arrays (input, output maps, input gradient) are {@link JavaArrays#scratch}'s, which the
 * other Java-loop layers share as well; the chunk's matrices are this class's own.
 */
public final class Im2colConvolution {
    private Im2colConvolution() {}

    /** A chunk's patch matrix is kept under this many floats (8 MB), at least one sample. */
    static final int CHUNK_FLOATS = 1 << 21;

    /** One layer's shapes: n samples of c×h×w in, co maps of oh×ow out, kernel kh×kw, stride sy×sx, top-left padding py, px. */
    public record Geometry(int n, int c, int h, int w, int co, int kh, int kw, int sy, int sx, int py, int px, int oh, int ow) {
        /** The geometry DL4J's convolution layer would use for this input and weights ([co, c, kh, kw]). */
        public static Geometry of(INDArray input, INDArray weights, int[] stride, int[] padding, ConvolutionMode mode) {
            int[] kernel = {(int) weights.size(2), (int) weights.size(3)}, dilation = {1, 1};
            int h = (int) input.size(2), w = (int) input.size(3);
            int[] out = ConvolutionUtils.getOutputSize(input, kernel, stride, mode == ConvolutionMode.Same ? null : padding,
                    mode, dilation, CNN2DFormat.NCHW);
            int[] pad = mode == ConvolutionMode.Same
                    ? ConvolutionUtils.getSameModeTopLeftPadding(out, new int[] {h, w}, kernel, stride, dilation) : padding;
            return new Geometry((int) input.size(0), (int) input.size(1), h, w, (int) weights.size(0), kernel[0], kernel[1],
                    stride[0], stride[1], pad[0], pad[1], out[0], out[1]);
        }

        public int patch() { return c * kh * kw; }

        public int positions() { return oh * ow; }

        public long[] outputShape() { return new long[] {n, co, oh, ow}; }

        /** Samples per chunk. */
        public int chunk() { return Math.max(1, Math.min(n, CHUNK_FLOATS / Math.max(1, patch() * positions()))); }
    }

    /** A thread's chunk buffers: Java arrays for the loops, native arrays (grown, never shrunk) for the products. */
    private static final class Buffers {
        float[] col, res, dcol;
        INDArray colN, resN, dcolN;

        /** Sizes the chunk's matrices for {@code cols} columns. */
        void chunk(Geometry g, int cols) {
            col = JavaArrays.atLeast(col, (long) g.patch() * cols);
            res = JavaArrays.atLeast(res, (long) g.co() * cols);
            colN = matrix(colN, g.patch(), cols);
            resN = matrix(resN, g.co(), cols);
        }

        /**
         * A rows × cols C-order matrix at the start of {@code held}'s buffer, which is replaced by a larger one when too
         * small; allocated outside any workspace, since it outlives the step.
         */
        private static INDArray matrix(INDArray held, long rows, long cols) {
            DataBuffer buffer = held == null || held.data().length() < rows * cols ? null : held.data();
            if (buffer == null) {
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    buffer = Nd4j.createUninitialized(DataType.FLOAT, rows * cols).data();
                }
            }
            return Nd4j.create(buffer, new long[] {rows, cols}, new long[] {cols, 1}, 0, 'c');
        }
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /**
     * Frees this thread's chunk matrices, to be made again at the size the next call needs: after passes run only to
     * be timed ({@link ConvBackwardKernels}), at shapes whose later passes may not run here at all.
     */
    static void releaseBuffers() {
        Buffers u = BUFFERS.get();
        for (INDArray held : new INDArray[] {u.colN, u.resN, u.dcolN}) {
            if (held != null && !held.wasClosed() && held.closeable()) held.close();
        }
        BUFFERS.remove();
    }

    /** z ← x ⊛ weights + bias (bias null: none); z is C-order [n, co, oh, ow], no view. */
    public static void forward(Geometry g, INDArray x, INDArray weights, INDArray bias, INDArray z) {
        Buffers u = BUFFERS.get();
        int p = g.positions(), nb = g.chunk();
        float[] in = JavaArrays.read(x, JavaArrays.scratch(JavaArrays.INPUT, x.length()));
        float[] maps = JavaArrays.scratch(JavaArrays.OUTPUT, (long) g.n() * g.co() * p);
        float[] b = bias == null ? new float[g.co()] : bias.toFloatVector();
        INDArray w2 = weights.reshape('c', g.co(), g.patch());
        for (int n0 = 0; n0 < g.n(); n0 += nb) {
            int count = Math.min(nb, g.n() - n0), cols = count * p, first = n0;
            u.chunk(g, cols);
            im2col(g, in, u, first, count);
            JavaArrays.write(u.col, u.colN);
            Nd4j.gemm(w2, u.colN, u.resN, false, false, 1.0, 0.0);
            JavaArrays.readBufferStart(u.resN, u.res);
            float[] res = u.res;
            ParallelLoops.forRange(count, (from, to) -> {
                for (int i = from; i < to; i++) {
                    for (int o = 0; o < g.co(); o++) {
                        int src = o * cols + i * p, dst = ((first + i) * g.co() + o) * p;
                        for (int q = 0; q < p; q++) maps[dst + q] = res[src + q] + b[o];
                    }
                }
            });
        }
        JavaArrays.write(maps, z);
    }

    /**
     * The gradients, given delta (the loss's gradient with respect to z, [n, co, oh, ow]): weights' into gradW
     * ([co, c, kh, kw], C order, may be a view), bias's into gradB (null: no bias), the input's into epsilon (C order
     * [n, c, h, w], no view; null: not wanted).
     */
    public static void backward(Geometry g, INDArray x, INDArray weights, INDArray delta, INDArray gradW, INDArray gradB,
                                INDArray epsilon) {
        Buffers u = BUFFERS.get();
        int p = g.positions(), nb = g.chunk(), inputLength = g.n() * g.c() * g.h() * g.w();
        float[] in = JavaArrays.read(x, JavaArrays.scratch(JavaArrays.INPUT, inputLength));
        float[] maps = JavaArrays.read(delta, JavaArrays.scratch(JavaArrays.OUTPUT, delta.length()));
        float[] dx = epsilon == null ? null : JavaArrays.scratch(JavaArrays.INPUT_GRADIENT, inputLength);
        double[] biasSum = new double[g.co()];
        if (dx != null) Arrays.fill(dx, 0, inputLength, 0f);
        INDArray w2 = weights.reshape('c', g.co(), g.patch()), gw2 = gradW.reshape('c', g.co(), g.patch());
        for (int n0 = 0; n0 < g.n(); n0 += nb) {
            int count = Math.min(nb, g.n() - n0), cols = count * p, first = n0;
            u.chunk(g, cols);
            float[] res = u.res;
            // delta's chunk as [co, samples × positions], the layout of the patch matrix's columns
            ParallelLoops.forRange(g.co(), (from, to) -> {
                for (int o = from; o < to; o++) {
                    double sum = 0;
                    for (int i = 0; i < count; i++) {
                        int src = ((first + i) * g.co() + o) * p, dst = o * cols + i * p;
                        for (int q = 0; q < p; q++) {
                            float d = maps[src + q];
                            res[dst + q] = d;
                            sum += d;
                        }
                    }
                    biasSum[o] += sum;
                }
            });
            JavaArrays.write(u.res, u.resN);
            im2col(g, in, u, first, count);
            JavaArrays.write(u.col, u.colN);
            Nd4j.gemm(u.resN, u.colN, gw2, false, true, 1.0, n0 == 0 ? 0.0 : 1.0);
            if (epsilon != null) {
                u.dcolN = Buffers.matrix(u.dcolN, g.patch(), cols);  // only for the input gradient
                Nd4j.gemm(w2, u.resN, u.dcolN, true, false, 1.0, 0.0);
                u.dcol = JavaArrays.atLeast(u.dcol, (long) g.patch() * cols);
                JavaArrays.readBufferStart(u.dcolN, u.dcol);
                col2im(g, u, dx, first, count);
            }
        }
        if (gw2.data() != gradW.data()) gradW.assign(gw2.reshape(gradW.shape()));  // the reshape copied
        if (gradB != null) {
            float[] b = new float[g.co()];
            for (int o = 0; o < b.length; o++) b[o] = (float) biasSum[o];
            gradB.assign(Nd4j.createFromArray(b).reshape(gradB.shape()));
        }
        if (epsilon != null) JavaArrays.write(dx, epsilon);
    }

    /** The patches of samples [first, first + count) into u.col, [c·kh·kw, count·oh·ow]; zero outside the input. */
    private static void im2col(Geometry g, float[] in, Buffers u, int first, int count) {
        int p = g.positions(), cols = count * p;
        float[] col = u.col;
        ParallelLoops.forRange(g.patch(), (from, to) -> {
            for (int r = from; r < to; r++) {
                int kj = r % g.kw(), ki = (r / g.kw()) % g.kh(), ci = r / (g.kw() * g.kh());
                int lo = firstInside(kj, g.px(), g.sx()), hi = endInside(kj, g.px(), g.sx(), g.w(), g.ow());
                for (int i = 0; i < count; i++) {
                    int plane = ((first + i) * g.c() + ci) * g.h() * g.w();
                    for (int oy = 0; oy < g.oh(); oy++) {
                        int at = r * cols + i * p + oy * g.ow(), iy = oy * g.sy() - g.py() + ki;
                        if (iy < 0 || iy >= g.h() || lo >= hi) {
                            Arrays.fill(col, at, at + g.ow(), 0f);
                            continue;
                        }
                        Arrays.fill(col, at, at + lo, 0f);
                        int row = plane + iy * g.w() - g.px() + kj;
                        if (g.sx() == 1) {
                            System.arraycopy(in, row + lo, col, at + lo, hi - lo);
                        } else {
                            for (int ox = lo; ox < hi; ox++) col[at + ox] = in[row + ox * g.sx()];
                        }
                        Arrays.fill(col, at + hi, at + g.ow(), 0f);
                    }
                }
            }
        });
    }

    /** Adds the patch gradients u.dcol of samples [first, first + count) into dx where their patches came from. */
    private static void col2im(Geometry g, Buffers u, float[] dx, int first, int count) {
        int p = g.positions(), cols = count * p;
        float[] dcol = u.dcol;
        // by (sample, channel): each writes its own input plane
        ParallelLoops.forRange(count * g.c(), (from, to) -> {
            for (int j = from; j < to; j++) {
                int i = j / g.c(), ci = j % g.c(), plane = ((first + i) * g.c() + ci) * g.h() * g.w();
                for (int ki = 0; ki < g.kh(); ki++) {
                    for (int kj = 0; kj < g.kw(); kj++) {
                        int r = (ci * g.kh() + ki) * g.kw() + kj;
                        int lo = firstInside(kj, g.px(), g.sx()), hi = endInside(kj, g.px(), g.sx(), g.w(), g.ow());
                        for (int oy = 0; oy < g.oh(); oy++) {
                            int iy = oy * g.sy() - g.py() + ki;
                            if (iy < 0 || iy >= g.h()) continue;
                            int at = r * cols + i * p + oy * g.ow(), row = plane + iy * g.w() - g.px() + kj;
                            for (int ox = lo; ox < hi; ox++) dx[row + ox * g.sx()] += dcol[at + ox];
                        }
                    }
                }
            }
        });
    }

    /** The first output column whose input column (ox·s − pad + kj) is ≥ 0. */
    private static int firstInside(int kj, int pad, int stride) {
        int need = pad - kj;
        return need <= 0 ? 0 : (need + stride - 1) / stride;
    }

    /** One past the last output column whose input column is < w, at most ow. */
    private static int endInside(int kj, int pad, int stride, int w, int ow) {
        int last = w - 1 + pad - kj;
        return last < 0 ? 0 : Math.min(ow, last / stride + 1);
    }
}
