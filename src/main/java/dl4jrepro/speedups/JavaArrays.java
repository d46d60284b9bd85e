package dl4jrepro.speedups;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.nio.FloatBuffer;

/**
 * Bulk copies between ND4J's arrays and Java float arrays, for code whose loops run on Java arrays (this package's
 * layers, {@link dl4jrepro.speedups.DenseStep}): per-element reads of ND4J's direct buffers cost several times the
 * arithmetic.
 */
public final class JavaArrays {
    /** Copies of fewer floats than this (4 MB) are not worth handing to a second thread. */
    private static final int PARALLEL_COPY = 1 << 20;

    /** Scratch slots: a layer's input values, its output or incoming gradient, its outgoing gradient. */
    static final int INPUT = 0, OUTPUT = 1, INPUT_GRADIENT = 2, SLOTS = 3;

    /**
     * Per-thread arrays for values a layer needs only within one call: its input's values, its output before the copy
     * into ND4J's array, a backward pass's incoming and outgoing gradients. The layers of a network run one after
     * another on its training thread, so they share these rather than each holding arrays of its activations' size for
     * the network's lifetime, which made most of the Java heap in use while a CNN trained (a class histogram of C1's
     * training). A backward pass reads its input's values again rather than keep the forward pass's copy: one more
     * copy per pass, against a copy of every layer's input held from the forward pass to the backward.
     */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[SLOTS][]);

    private JavaArrays() {}

    /**
     * This thread's scratch array {@code slot} ({@link #INPUT}, {@link #OUTPUT} or {@link #INPUT_GRADIENT}), at least
     * {@code length} floats: valid until the calling method returns, never to be kept, since the next layer's call gets
     * the same array.
     */
    static float[] scratch(int slot, long length) {
        float[][] arrays = SCRATCH.get();
        return arrays[slot] = atLeast(arrays[slot], length);
    }

    /** The array's values as floats in C order, into {@code scratch} when it is large enough (else a new array). */
    public static float[] read(INDArray a, float[] scratch) {
        float[] to = atLeast(scratch, a.length());
        readInto(a, to);
        return to;
    }

    /** Writes the array's values as floats in C order into the start of {@code to}. */
    public static void readInto(INDArray a, float[] to) {
        // A view or another order or type is copied first: the buffer holds a view's data at an offset of its own.
        INDArray c = a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView()
                && Shape.hasDefaultStridesForShape(a) ? a : a.castTo(DataType.FLOAT).dup('c');
        readBufferStart(c, to);
    }

    /**
     * Writes the values of {@code a}, a C-order float array laid over the start of a possibly longer buffer, into the
     * start of {@code to}, without the copy {@link #readInto} makes of such an array (a view to ND4J).
     */
    public static void readBufferStart(INDArray a, float[] to) {
        FloatBuffer b = a.data().asNioFloat();
        int at = b.position();
        inShares((int) a.length(), (from, end) -> b.get(at + from, to, from, end - from));
    }

    /**
     * Writes the first {@code to.length()} floats of {@code from} into {@code to}, a C-order float array that is no view
     * or is laid over the start of its buffer.
     */
    public static void write(float[] from, INDArray to) {
        FloatBuffer b = to.data().asNioFloat();
        int at = b.position();
        inShares((int) to.length(), (start, end) -> b.put(at + start, from, start, end - start));
    }

    /** A large copy split over the native thread count (a core alone does not saturate memory here); a small one inline. */
    private static void inShares(int length, ParallelLoops.Range copy) {
        if (length < PARALLEL_COPY) copy.run(0, length);
        else ParallelLoops.forRange(length, copy);
    }

    /** {@code scratch} when it holds {@code length} floats, else a new array that does. */
    static float[] atLeast(float[] scratch, long length) {
        return scratch != null && scratch.length >= length ? scratch : new float[Math.toIntExact(length)];
    }
}
