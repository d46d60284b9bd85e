package dl4jrepro.speedups;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The element-wise loop of an updater with two state arrays per parameter (Adam's m and v, Adadelta's two running
 * averages), run in Java over the native buffers: one pass instead of a dozen ND4J ops, each of which walks the whole
 * array and most of which allocate a temporary of its size.
 */
final class StateLoops {
    /** One chunk of the update, in place: element i of each array belongs to one parameter. */
    interface FloatChunk {
        void update(float[] gradient, float[] first, float[] second, int length);
    }

    /** Elements copied out of the native buffers at a time. */
    static final int CHUNK = 2048;

    private StateLoops() {}

    /** Whether the arrays can be walked as one flat run each, element i of one matching element i of the others. */
    static boolean contiguousAlike(INDArray g, INDArray... state) {
        for (INDArray a : state) {
            if (a.elementWiseStride() != 1 || a.length() != g.length() || a.dataType() != g.dataType()) return false;
            if (!a.isVectorOrScalar() && (a.ordering() != g.ordering() || !Arrays.equals(a.shape(), g.shape()))) {
                return false;
            }
        }
        return g.elementWiseStride() == 1 && g.length() < Integer.MAX_VALUE;
    }

    /** Whether {@link #floatChunks} can run on these arrays. */
    static boolean floatLoopApplies(INDArray g, INDArray first, INDArray second) {
        return g.dataType() == DataType.FLOAT && contiguousAlike(g, first, second);
    }

    /**
     * Runs {@code body} over the three arrays in chunks, split over ND4J's thread count. The arithmetic runs on Java
     * arrays copied in and out in bulk: a direct buffer's get and put check their bounds and scope element by element,
     * and the compiler vectorises the array loop, not theirs.
     */
    static void floatChunks(INDArray gradient, INDArray first, INDArray second, FloatChunk body) {
        chunks(gradient, first, second, null, 1, 0, false, body);
    }

    /**
     * The same, with what DL4J's fit does around an updater taken into the loop: the gradient divided by
     * {@code divisor} (the minibatch's size) and {@code l2}·w added before {@code body}, and the step that
     * {@code body} leaves in the gradient subtracted from {@code param} after it. Each chunk stays in cache through
     * all three, where fit walks the whole arrays once for each (a division, the updater, a subtraction). The
     * gradient keeps the step, as fit leaves it.
     */
    static void fusedFloatChunks(INDArray param, INDArray gradient, INDArray first, INDArray second, float divisor,
                                 float l2, boolean l2Fma, FloatChunk body) {
        chunks(gradient, first, second, param, divisor, l2, l2Fma, body);
    }

    private static void chunks(INDArray gradient, INDArray first, INDArray second, INDArray param, float divisor,
                               float l2, boolean l2Fma, FloatChunk body) {
        FloatBuffer g = gradient.data().asNioFloat(), a = first.data().asNioFloat(), b = second.data().asNioFloat();
        FloatBuffer w = param == null ? null : param.data().asNioFloat();
        // A view's buffer is the whole allocation positioned at the view's first element.
        int gi = g.position(), ai = a.position(), bi = b.position(), wi = w == null ? 0 : w.position();
        int n = (int) gradient.length();
        ParallelLoops.forRange(n, (start, end) -> {
            float[] ga = new float[CHUNK], aa = new float[CHUNK], ba = new float[CHUNK];
            float[] wa = w == null ? null : new float[CHUNK];
            for (int from = start; from < end; from += CHUNK) {
                int len = Math.min(CHUNK, end - from);
                g.get(gi + from, ga, 0, len);
                a.get(ai + from, aa, 0, len);
                b.get(bi + from, ba, 0, len);
                if (w != null) {
                    w.get(wi + from, wa, 0, len);
                    // fit's order: g / n (ND4J applies the int as a float), then + c·w, rounded once where BLAS's
                    // saxpy adds it (FastL2: a fused multiply-add) and twice where ND4J's Axpy op does
                    if (divisor != 1) for (int i = 0; i < len; i++) ga[i] = ga[i] / divisor;
                    if (l2 != 0 && l2Fma) for (int i = 0; i < len; i++) ga[i] = Math.fma(l2, wa[i], ga[i]);
                    if (l2 != 0 && !l2Fma) for (int i = 0; i < len; i++) ga[i] = ga[i] + l2 * wa[i];
                }
                body.update(ga, aa, ba, len);
                g.put(gi + from, ga, 0, len);
                a.put(ai + from, aa, 0, len);
                b.put(bi + from, ba, 0, len);
                if (w != null) {
                    for (int i = 0; i < len; i++) wa[i] = wa[i] - ga[i];
                    w.put(wi + from, wa, 0, len);
                }
            }
        });
    }
}
