package dl4jrepro.families;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Adadelta as PyTorch implements it, with a learning rate: E[g²] ← ρE[g²] + (1−ρ)g²,
 * Δ = √(E[Δ²] + ε) / √(E[g²] + ε) · g, E[Δ²] ← ρE[Δ²] + (1−ρ)Δ², θ ← θ − lr·Δ. DL4J's {@code AdaDelta} has no learning
 * rate, and report 004's grid varies it (its point: Adadelta is barely moved by lr where SGD and Adam are).
 * Written in ND4J ops, as a DL4J user would; not final because the speed-up pass swaps in a subclass that computes the
 * same step in one loop (dl4jrepro.speedups.FastAdadelta).
 */
public class TorchAdadelta extends ScheduledUpdater {
    private double rho;
    private double epsilon;

    /** For JSON. */
    public TorchAdadelta() {
        this(0.9, 1e-6, null);
    }

    public TorchAdadelta(double rho, double epsilon, ISchedule learningRateSchedule) {
        super(learningRateSchedule);
        this.rho = rho;
        this.epsilon = epsilon;
    }

    public double getRho() {
        return rho;
    }

    public void setRho(double rho) {
        this.rho = rho;
    }

    public double getEpsilon() {
        return epsilon;
    }

    public void setEpsilon(double epsilon) {
        this.epsilon = epsilon;
    }

    @Override
    protected int stateSlots() {
        return 2;
    }

    @Override
    protected void step(INDArray gradient, INDArray[] state, double learningRate, int iteration) {
        INDArray squareAvg = state[0], deltaAvg = state[1];
        squareAvg.muli(rho).addi(gradient.mul(gradient).muli(1 - rho));
        INDArray delta = Transforms.sqrt(deltaAvg.add(epsilon), false)
                .divi(Transforms.sqrt(squareAvg.add(epsilon), false)).muli(gradient);
        deltaAvg.muli(rho).addi(delta.mul(delta).muli(1 - rho));
        gradient.assign(delta.muli(learningRate));
    }

    @Override
    protected ScheduledUpdater withSchedule(ISchedule schedule) {
        return new TorchAdadelta(rho, epsilon, schedule);
    }

    @Override
    public boolean equals(Object o) {
        return super.equals(o) && ((TorchAdadelta) o).rho == rho && ((TorchAdadelta) o).epsilon == epsilon;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + Double.hashCode(rho) * 7 + Double.hashCode(epsilon);
    }
}
