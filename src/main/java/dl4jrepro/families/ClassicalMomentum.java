package dl4jrepro.families;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * SGD with classical (heavy-ball) momentum, v ← ρ·v + η·g and θ ← θ − v, as report 002's MomentumSGD writes it. DL4J
 * 1.0.0-M2.1 has only Nesterov momentum ({@code Nesterovs}), whose look-ahead step differs, so this fills the gap.
 */
public final class ClassicalMomentum extends ScheduledUpdater {
    private double momentum;

    /** For JSON (DL4J serialises updaters with their class name). */
    public ClassicalMomentum() {
        this(0.9, null);
    }

    public ClassicalMomentum(double momentum, ISchedule learningRateSchedule) {
        super(learningRateSchedule);
        this.momentum = momentum;
    }

    public double getMomentum() {
        return momentum;
    }

    public void setMomentum(double momentum) {
        this.momentum = momentum;
    }

    @Override
    protected int stateSlots() {
        return 1;
    }

    @Override
    protected void step(INDArray gradient, INDArray[] state, double learningRate, int iteration) {
        INDArray v = state[0];
        v.muli(momentum).addi(gradient.mul(learningRate));
        gradient.assign(v);
    }

    @Override
    protected ScheduledUpdater withSchedule(ISchedule schedule) {
        return new ClassicalMomentum(momentum, schedule);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((ClassicalMomentum) o).momentum == momentum;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(momentum);
    }
}
