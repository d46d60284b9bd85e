package dl4jrepro.families;

import dl4jrepro.data.InputShape;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.HashSet;
import java.util.Set;

/** A kind of network the reports use: turns a spec's hyperparameters into a DL4J {@link MultiLayerConfiguration}. */
public interface ModelFamily {

    /**
     * Rejects impossible or unsupported hyperparameters with a one-line error, before any data is touched.
     *
     * @param input the shape of one example, known from the spec's data section
     */
    void validate(Hyperparameters hp, InputShape input);

    /** What every family reads: the units of {@link Neurons} and the training settings of {@link Optimizers}. */
    static Set<String> commonKeys() {
        Set<String> keys = new HashSet<>(Neurons.KEYS);
        keys.addAll(Optimizers.KEYS);
        return keys;
    }

    /**
     * Whether its networks are fully connected layers only: their time is matrix products, and the backend picks its
     * BLAS for them ({@code BackendSelector.select(requested, threads, denseNet)}).
     */
    default boolean denseOnly() {
        return false;
    }

    /** Minibatch size the runner feeds the network. */
    default int batchSize(Hyperparameters hp) {
        return hp.getInt("batch");
    }

    /** What every family's network shares: seed, float32, the optimiser, weight initialisation and weight decay. */
    static NeuralNetConfiguration.Builder common(Hyperparameters hp, long seed, int stepsPerEpoch) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(Optimizers.updater(hp, stepsPerEpoch))
                .weightInit(Neurons.weightInit(hp))
                .l2(Optimizers.weightPenalty(hp))
                .l2Bias(Optimizers.biasPenalty(hp));
    }

    /**
     * @param stepsPerEpoch minibatch updates per pass over the training split, for per-epoch schedules
     */
    MultiLayerConfiguration configure(Hyperparameters hp, InputShape input, int classes, long seed, int stepsPerEpoch);
}
