package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's reshape of the network's flat input rows into images, before a first convolution layer that computes no input
 * gradient ({@link FastConv#isInputGradient}): that layer hands back none (null), and DL4J's own preprocessor would
 * fail reshaping it, although training drops the network's input gradient right after. This one hands the null on.
 */
public class InputToCnnPreProcessor extends FeedForwardToCnnPreProcessor {
    @JsonCreator
    public InputToCnnPreProcessor(@JsonProperty("inputHeight") long inputHeight, @JsonProperty("inputWidth") long inputWidth,
                                  @JsonProperty("numChannels") long numChannels) {
        super(inputHeight, inputWidth, numChannels);
    }

    /** The same reshape as {@code plain}. */
    public static InputToCnnPreProcessor of(FeedForwardToCnnPreProcessor plain) {
        return new InputToCnnPreProcessor(plain.getInputHeight(), plain.getInputWidth(), plain.getNumChannels());
    }

    @Override
    public INDArray backprop(INDArray epsilons, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        return epsilons == null ? null : super.backprop(epsilons, miniBatchSize, workspaceMgr);
    }
}
