package dl4jrepro.families;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The learning-rate plumbing DL4J asks of every updater configuration, shared by the updaters this project adds
 * where DL4J 1.0.0-M2.1 has no equivalent. A subclass says how much state it needs per parameter and how a gradient
 * becomes a step.
 */
public abstract class ScheduledUpdater implements IUpdater {
    private double learningRate;
    private ISchedule learningRateSchedule;

    protected ScheduledUpdater(ISchedule learningRateSchedule) {
        this.learningRateSchedule = learningRateSchedule;
        this.learningRate = learningRateSchedule == null ? 0.01 : learningRateSchedule.valueAt(0, 0);
    }

    /** Slots of state per parameter (velocity, running averages). */
    protected abstract int stateSlots();

    /**
     * Turns {@code gradient} in place into the step DL4J subtracts; {@code state} holds {@link #stateSlots()} arrays;
     * {@code iteration} counts from 0.
     */
    protected abstract void step(INDArray gradient, INDArray[] state, double learningRate, int iteration);

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
        return stateSlots() * numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        // The view holds every slot side by side along its last dimension, as DL4J's Adam lays out m and v.
        long[] gradientShape = viewArray.shape().clone();
        gradientShape[gradientShape.length - 1] /= stateSlots();
        Updater u = new Updater(this);
        u.setStateViewArray(viewArray, gradientShape, viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> state, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(state, initializeStateArrays);
        return u;
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

    /**
     * A copy that equals this updater: its settings, a copy of its schedule and its learning rate (the fixed rate of
     * an updater without a schedule, which the constructor alone would reset).
     */
    @Override
    public final IUpdater clone() {
        ScheduledUpdater copy = withSchedule(learningRateSchedule == null ? null : learningRateSchedule.clone());
        copy.learningRate = learningRate;
        return copy;
    }

    /** A new updater of this class with this one's own settings (momentum, decay rates) and {@code schedule}. */
    protected abstract ScheduledUpdater withSchedule(ISchedule schedule);

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((ScheduledUpdater) o).learningRate == learningRate
                && Objects.equals(((ScheduledUpdater) o).learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), learningRate, learningRateSchedule);
    }

    /** One layer's state, laid out slot after slot in the view DL4J hands over. */
    static final class Updater implements GradientUpdater<ScheduledUpdater> {
        private final ScheduledUpdater config;
        private INDArray[] state;

        Updater(ScheduledUpdater config) {
            this.config = config;
        }

        @Override
        public ScheduledUpdater getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> map, boolean initialize) {
            state = new INDArray[config.stateSlots()];
            for (int i = 0; i < state.length; i++) {
                state[i] = map.get("S" + i);
                if (state[i] == null) throw new IllegalStateException(config.getClass().getSimpleName() + " needs state S" + i);
                if (initialize) state[i].assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            Map<String, INDArray> map = new LinkedHashMap<>();
            for (int i = 0; i < state.length; i++) map.put("S" + i, state[i]);
            return map;
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) viewArray.assign(0);
            int slots = config.stateSlots();
            long n = viewArray.length() / slots;
            INDArray flat = viewArray.reshape(viewArray.length());
            state = new INDArray[slots];
            for (int i = 0; i < slots; i++) {
                state[i] = flat.get(NDArrayIndex.interval(i * n, (i + 1) * n))
                        .reshape(gradientOrder, gradientShape);
            }
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            config.step(gradient, state, config.getLearningRate(iteration, epoch), iteration);
        }
    }
}
