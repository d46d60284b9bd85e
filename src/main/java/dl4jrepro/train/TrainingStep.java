package dl4jrepro.train;

import dl4jrepro.families.Implementation;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** One update of a network on one minibatch: DL4J's {@code fit}, or the same arithmetic as {@link DenseStep} for dense nets. */
@FunctionalInterface
public interface TrainingStep {
    /** The hyperparameter choosing {@link DenseStep} ("fast", the default, where it applies) or DL4J's fit. */
    String KEY = "trainStep";

    void fit(INDArray x, INDArray y);

    /** {@link DenseStep} when the net is one it computes and {@code trainStep} is not "dl4j"; else DL4J's fit. */
    static TrainingStep of(MultiLayerNetwork net, Hyperparameters hp) {
        if (!Implementation.fast(hp, KEY)) return net::fit;
        return DenseStep.of(net).<TrainingStep>map(step -> step::fit).orElse(net::fit);
    }
}
