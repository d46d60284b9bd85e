package dl4jrepro.speedups;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TimingWorkspaceMgr} frees what it made, and only that. */
class TimingWorkspaceMgrTest {
    @Test
    void freesEveryArrayItMadeAndNoneItWasGiven() {
        INDArray given = Nd4j.rand(DataType.FLOAT, 3, 4);
        List<INDArray> made;
        INDArray sameType;
        try (TimingWorkspaceMgr mgr = new TimingWorkspaceMgr()) {
            made = List.of(mgr.create(ArrayType.ACTIVATIONS, DataType.FLOAT, 2, 2),
                    mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, new long[] {5, 6}, 'c'),
                    mgr.dup(ArrayType.INPUT, given),
                    mgr.castTo(ArrayType.INPUT, DataType.DOUBLE, given, false));
            sameType = mgr.castTo(ArrayType.INPUT, DataType.FLOAT, given, false);
            assertSame(given, sameType, "a cast to the array's own type is the array itself");
            assertEquals(given, made.get(2), "the arrays work until then");
            made.forEach(a -> assertFalse(a.wasClosed()));
        }
        made.forEach(a -> assertTrue(a.wasClosed(), "freed: " + a.shapeInfoToString()));
        assertFalse(given.wasClosed(), "the array it was given is the caller's");
        assertEquals(12, given.length());
    }
}
