package dl4jrepro.speedups;

import dl4jrepro.families.ScheduledUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.schedule.ISchedule;

import java.nio.DoubleBuffer;
import java.util.Objects;

/**
 * Adam exactly as DL4J 1.0.0-M2.1's {@code Adam} computes it (m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
 * step = α_t·m / (√v + ε) with α_t = lr·√(1−β₂^t)/(1−β₁^t), t = iteration + 1), in one Java loop over the native
 * buffers. Why: DL4J's fused {@code adam_updater} op took longer than the first layer's forward GEMM at batch 100
 * for report 004's MLPs (results/benchmarks/fast-adam.md measures whole steps with each). Arrays that are not
 * contiguous take ND4J's element-wise ops instead. {@link FusedUpdateStep} runs the same loop with fit's
 * division, L2 and parameter update in the same pass.
 */
public final class FastAdam extends ScheduledUpdater implements ChunkedUpdater {
    private double beta1;
    private double beta2;
    private double epsilon;

    /** For JSON: DL4J serialises an updater's class name and fields (its mapper reads fields, not accessors). */
    public FastAdam() {
        this(0.9, 0.999, 1e-8, null);
    }

    public FastAdam(double beta1, double beta2, double epsilon, ISchedule learningRateSchedule) {
        super(learningRateSchedule);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    @Override
    protected int stateSlots() {
        return 2;
    }

    @Override
    protected void step(INDArray gradient, INDArray[] state, double learningRate, int iteration) {
        INDArray m = state[0], v = state[1];
        if (StateLoops.floatLoopApplies(gradient, m, v)) {
            StateLoops.floatChunks(gradient, m, v, floatStep(learningRate, iteration));
        } else if (gradient.dataType() == DataType.DOUBLE && StateLoops.contiguousAlike(gradient, m, v)) {
            doubleLoop(gradient, m, v, alpha(learningRate, iteration));
        } else {
            double alpha = alpha(learningRate, iteration);
            m.muli(beta1).addi(gradient.mul(1 - beta1));
            v.muli(beta2).addi(gradient.mul(gradient).muli(1 - beta2));
            gradient.assign(m.mul(alpha).divi(Transforms.sqrt(v, true).addi(epsilon)));
        }
    }

    /** The step size after bias correction, α_t = lr·√(1−β₂^t)/(1−β₁^t), t = iteration + 1. */
    private double alpha(double learningRate, int iteration) {
        int t = iteration + 1;
        double alpha = learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        // DL4J's op falls back to ε when the bias correction is degenerate (β₁ = 0 and t huge, say); so does this.
        return !Double.isFinite(alpha) || alpha == 0 ? epsilon : alpha;
    }

    @Override
    public StateLoops.FloatChunk floatStep(double learningRate, int iteration) {
        float alpha = (float) alpha(learningRate, iteration);
        float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        float eps = (float) epsilon;
        // The same operations in the same order: the results are the element-wise loop's, bit for bit.
        return (ga, ma, va, len) -> {
            for (int i = 0; i < len; i++) {
                float gradI = ga[i];
                float mI = b1 * ma[i] + gradI * c1;
                float vI = b2 * va[i] + gradI * gradI * c2;
                ma[i] = mI;
                va[i] = vI;
                ga[i] = mI * alpha / ((float) Math.sqrt(vI) + eps);
            }
        };
    }

    private void doubleLoop(INDArray gradient, INDArray mArray, INDArray vArray, double alpha) {
        DoubleBuffer g = gradient.data().asNioDouble(), m = mArray.data().asNioDouble(), v = vArray.data().asNioDouble();
        int gi = g.position(), mi = m.position(), vi = v.position(), n = (int) gradient.length();
        for (int i = 0; i < n; i++) {
            double gradI = g.get(gi + i);
            double mI = beta1 * m.get(mi + i) + gradI * (1 - beta1);
            double vI = beta2 * v.get(vi + i) + gradI * gradI * (1 - beta2);
            m.put(mi + i, mI);
            v.put(vi + i, vI);
            g.put(gi + i, mI * alpha / (Math.sqrt(vI) + epsilon));
        }
    }

    @Override
    protected ScheduledUpdater withSchedule(ISchedule schedule) {
        return new FastAdam(beta1, beta2, epsilon, schedule);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((FastAdam) o).beta1 == beta1 && ((FastAdam) o).beta2 == beta2
                && ((FastAdam) o).epsilon == epsilon;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Objects.hash(beta1, beta2, epsilon);
    }
}
