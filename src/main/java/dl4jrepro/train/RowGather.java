package dl4jrepro.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;

/**
 * A minibatch's rows of a data matrix copied into the minibatch's matrix: what {@code Nd4j.pullRows(source,
 * destination, 1, rows)} computes, as one bulk copy per row between ND4J's buffers where both are plain float matrices.
 *
 * <p>Why: pullRows is a native op, whose fixed cost per call (argument checks, the op's set-up) is nothing beside a CNN's
 * step but was most of what the training loop added around a small net's step: D1's regression net, whose steps are
 * the shortest of the catalogue (results/benchmarks/pipeline-share.md, its "other" column, before and after).
 */
final class RowGather {
    private RowGather() {}

    /** {@code destination}'s rows i ← {@code source}'s rows {@code rows[i]}; returns {@code destination}. */
    static INDArray into(INDArray source, int[] rows, INDArray destination) {
        if (!plainFloatMatrix(source) || !plainFloatMatrix(destination) || source.columns() != destination.columns()
                || destination.rows() != rows.length) {
            return Nd4j.pullRows(source, destination, 1, rows);
        }
        FloatBuffer from = source.data().asNioFloat(), to = destination.data().asNioFloat();
        int cols = (int) source.columns(), fromStart = from.position(), toStart = to.position();
        long sourceRows = source.rows();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= sourceRows) {
                throw new IndexOutOfBoundsException("row " + rows[i] + " of a matrix of " + sourceRows + " rows");
            }
            to.put(toStart + i * cols, from, fromStart + rows[i] * cols, cols);
        }
        return destination;
    }

    /** A float matrix in C order over the start of its own buffer (no view), whose rows lie one after another. */
    private static boolean plainFloatMatrix(INDArray a) {
        return a.rank() == 2 && a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView()
                && Shape.hasDefaultStridesForShape(a) && a.length() <= Integer.MAX_VALUE;
    }
}
