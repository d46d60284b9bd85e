package dl4jrepro.train;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One update of a network on one minibatch: DL4J's {@link MultiLayerNetwork#fit}, or a faster step of the same arithmetic. */
@FunctionalInterface
public interface TrainingStep {
    void fit(INDArray x, INDArray y);
}
