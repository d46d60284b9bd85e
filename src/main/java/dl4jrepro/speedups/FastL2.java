package dl4jrepro.speedups;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's L2 regularization (c·w added to the gradient, ½c‖w‖² to the score) with both computed by BLAS on contiguous
 * single-precision arrays: c·w as one saxpy into the gradient, where DL4J runs libnd4j's pairwise Axpy op, and ‖w‖² as
 * the sdot of w with itself, where DL4J reduces with norm2 and squares it.
 *
 * <p>Why: in B1's chosen net (batch norm and dropout, so DL4J's own fit trains it) the regularization's score and
 * gradient took about a tenth of a step in a JFR profile (results/benchmarks/step-profile-a4-largest-b1-chosen-c1-mnist-cnn.md),
 * half of it the score's norm2, a reduction that runs many times slower than sdot over the same floats
 * (results/benchmarks/fast-l2.md measures the whole step with and without). Same values up to float rounding: saxpy
 * may fuse the multiply and the add, and the sums run in another order. Other arrays keep DL4J's ops.
 */
public class FastL2 extends L2Regularization {
    @JsonCreator
    public FastL2(@JsonProperty("l2") ISchedule l2) {
        super(l2);
    }

    @Override
    public void apply(INDArray param, INDArray gradView, double lr, int iteration, int epoch) {
        if (param.dataType() != DataType.FLOAT || !StateLoops.contiguousAlike(param, gradView)) {
            super.apply(param, gradView, lr, iteration, epoch);
            return;
        }
        Nd4j.getBlasWrapper().level1().axpy(param.length(), getL2().valueAt(iteration, epoch), param, gradView);
    }

    @Override
    public double score(INDArray param, int iteration, int epoch) {
        if (param.dataType() != DataType.FLOAT || !StateLoops.contiguousAlike(param)) return super.score(param, iteration, epoch);
        return 0.5 * getL2().valueAt(iteration, epoch) * Nd4j.getBlasWrapper().level1().dot(param.length(), 1.0, param, param);
    }

    @Override
    public Regularization clone() {
        return new FastL2(getL2().clone());
    }
}
