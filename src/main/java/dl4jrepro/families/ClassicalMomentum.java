package dl4jrepro.families;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.Map;
import java.util.Objects;

/**
 * SGD with classical (heavy-ball) momentum, v ← ρ·v + η·g and θ ← θ − v, as report 002's MomentumSGD writes it. DL4J
 * 1.0.0-M2.1 has only Nesterov momentum ({@code Nesterovs}), whose look-ahead step differs, so this fills the gap.
 */
public final class ClassicalMomentum implements IUpdater {
    private double momentum;
    private double learningRate;
    private ISchedule learningRateSchedule;

    /** For JSON (DL4J serialises updaters with their class name). */
    public ClassicalMomentum() {
        this(0.9, null);
    }

    public ClassicalMomentum(double momentum, ISchedule learningRateSchedule) {
        this.momentum = momentum;
        this.learningRateSchedule = learningRateSchedule;
        this.learningRate = learningRateSchedule == null ? 0.01 : learningRateSchedule.valueAt(0, 0);
    }

    public double getMomentum() {
        return momentum;
    }

    public void setMomentum(double momentum) {
        this.momentum = momentum;
    }

    public double getLearningRate() {
        return learningRate;
    }

    public void setLearningRate(double learningRate) {
        this.learningRate = learningRate;
    }

    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    public void setLearningRateSchedule(ISchedule learningRateSchedule) {
        this.learningRateSchedule = learningRateSchedule;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, viewArray.shape(), 'c', initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(state, initializeStateArrays);
        return u;
    }

    @Override
    public IUpdater clone() {
        return new ClassicalMomentum(momentum, learningRateSchedule == null ? null : learningRateSchedule.clone());
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule schedule) {
        this.learningRate = lr;
        this.learningRateSchedule = schedule;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassicalMomentum m && m.momentum == momentum && m.learningRate == learningRate
                && Objects.equals(m.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(momentum, learningRate, learningRateSchedule);
    }

    /** Holds the velocity of one layer's parameters and turns each gradient into the step to subtract. */
    static final class Updater implements GradientUpdater<ClassicalMomentum> {
        private static final String VELOCITY = "V";
        private final ClassicalMomentum config;
        private INDArray v;

        Updater(ClassicalMomentum config) {
            this.config = config;
        }

        @Override
        public ClassicalMomentum getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> state, boolean initialize) {
            v = state.get(VELOCITY);
            if (v == null) throw new IllegalStateException("classical momentum state needs " + VELOCITY);
            if (initialize) v.assign(0);
        }

        @Override
        public Map<String, INDArray> getState() {
            return Map.of(VELOCITY, v);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) viewArray.assign(0);
            v = viewArray.reshape(gradientOrder, gradientShape);
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            // DL4J subtracts what is left in `gradient` from the parameters.
            v.muli(config.momentum).addi(gradient.mul(config.getLearningRate(iteration, epoch)));
            gradient.assign(v);
        }
    }
}
