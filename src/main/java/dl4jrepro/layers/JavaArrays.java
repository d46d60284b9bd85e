package dl4jrepro.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

import java.nio.FloatBuffer;

/**
 * Bulk copies between ND4J's float arrays and Java arrays, for layers whose loops run on Java arrays: per-element
 * reads of ND4J's direct buffers cost several times the arithmetic.
 */
final class JavaArrays {
    private JavaArrays() {}

    /** The array's floats in C order, into {@code scratch} when it is large enough (else a new array). */
    static float[] read(INDArray a, float[] scratch) {
        INDArray c = a.ordering() == 'c' && !a.isView() && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
        float[] to = atLeast(scratch, c.length());
        FloatBuffer b = c.data().asNioFloat();
        b.get(b.position(), to, 0, (int) c.length());
        return to;
    }

    /** Writes the first {@code to.length()} floats of {@code from} into {@code to}, a C-order array that is no view. */
    static void write(float[] from, INDArray to) {
        FloatBuffer b = to.data().asNioFloat();
        b.put(b.position(), from, 0, (int) to.length());
    }

    /** {@code scratch} when it holds {@code length} floats, else a new array that does. */
    static float[] atLeast(float[] scratch, long length) {
        return scratch != null && scratch.length >= length ? scratch : new float[Math.toIntExact(length)];
    }
}
