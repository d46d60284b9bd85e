package dl4jrepro.speedups;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * A layer's arrays outside every workspace, as {@link LayerWorkspaceMgr#noWorkspaces()} gives them, each freed by
 * {@link #close} rather than left to the garbage collector: for a pass run only to be timed
 * ({@link ConvBackwardKernels}), whose arrays no one reads.
 *
 * <p>Why: ND4J frees an array outside the workspaces only when the collector finds its Java object unreachable. The
 * timing of a CNN's layer shapes makes dozens of arrays of its activations' size within a step, and left to the collector
 * they were resident at once, raising C2's peak RSS (results/benchmarks/conv-backward-choice-at-afcccb5.md).
 */
final class TimingWorkspaceMgr extends LayerWorkspaceMgr implements AutoCloseable {
    private final List<INDArray> made = new ArrayList<>();

    TimingWorkspaceMgr() {
        super(EnumSet.allOf(ArrayType.class), Map.of(), Map.of());
    }

    private INDArray made(INDArray a, INDArray from) {
        if (a != null && a != from) made.add(a);
        return a;
    }

    @Override
    public INDArray create(ArrayType type, DataType dataType, long... shape) {
        return made(super.create(type, dataType, shape), null);
    }

    @Override
    public INDArray create(ArrayType type, DataType dataType, long[] shape, char order) {
        return made(super.create(type, dataType, shape, order), null);
    }

    @Override
    public INDArray createUninitialized(ArrayType type, DataType dataType, long... shape) {
        return made(super.createUninitialized(type, dataType, shape), null);
    }

    @Override
    public INDArray createUninitialized(ArrayType type, DataType dataType, long[] shape, char order) {
        return made(super.createUninitialized(type, dataType, shape, order), null);
    }

    @Override
    public INDArray dup(ArrayType type, INDArray array) {
        return made(super.dup(type, array), array);
    }

    @Override
    public INDArray dup(ArrayType type, INDArray array, char order) {
        return made(super.dup(type, array, order), array);
    }

    @Override
    public INDArray castTo(ArrayType type, DataType dataType, INDArray array, boolean dupIfCorrectType) {
        return made(super.castTo(type, dataType, array, dupIfCorrectType), array);
    }

    /** Frees every array made here (a view's own buffer is its parent's, which is freed with it). */
    @Override
    public void close() {
        for (INDArray a : made) {
            if (!a.wasClosed() && a.closeable()) a.close();
        }
        made.clear();
    }
}
