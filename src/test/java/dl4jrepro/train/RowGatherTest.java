package dl4jrepro.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link RowGather} gathers what Nd4j.pullRows gathers. */
class RowGatherTest {
    @Test
    void sameRowsAsPullRowsForFloatMatricesAndOthers() {
        int[] rows = {7, 0, 3, 3, 9};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int cols : new int[] {1, 13}) {
                INDArray source = Nd4j.rand(type, 10, cols);
                INDArray expected = Nd4j.pullRows(source, Nd4j.create(type, rows.length, cols), 1, rows);
                INDArray into = Nd4j.create(type, rows.length, cols);
                assertSame(into, RowGather.into(source, rows, into));
                assertEquals(expected, into, type + ", " + cols + " columns");
            }
        }
        // A view (every other row of a larger matrix) goes to pullRows, with the same rows.
        INDArray view = Nd4j.rand(DataType.FLOAT, 20, 4).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 20),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        assertEquals(Nd4j.pullRows(view, Nd4j.create(DataType.FLOAT, rows.length, 4), 1, rows),
                RowGather.into(view, rows, Nd4j.create(DataType.FLOAT, rows.length, 4)));
    }

    @Test
    void aRowOutsideTheMatrixIsAnError() {
        INDArray source = Nd4j.rand(DataType.FLOAT, 4, 3);
        assertThrows(IndexOutOfBoundsException.class, () -> RowGather.into(source, new int[] {1, 4}, Nd4j.create(DataType.FLOAT, 2, 3)));
    }
}
