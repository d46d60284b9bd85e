package dl4jrepro.families;

import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/** A kind of network the reports use: turns a spec's hyperparameters into a DL4J {@link MultiLayerConfiguration}. */
public interface ModelFamily {

    /** Rejects impossible or unsupported hyperparameters with a one-line error, before any data is touched. */
    void validate(Hyperparameters hp);

    /** Minibatch size the runner feeds the network. */
    int batchSize(Hyperparameters hp);

    /**
     * @param stepsPerEpoch minibatch updates per pass over the training split, for per-epoch schedules
     */
    MultiLayerConfiguration configure(Hyperparameters hp, int inputs, int classes, long seed, int stepsPerEpoch);
}
