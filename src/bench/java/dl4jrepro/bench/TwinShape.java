package dl4jrepro.bench;

import dl4jrepro.data.InputShape;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a PyTorch twin must share with a DL4J model: the trainable parameter count (batch norm's running mean and
 * variance are parameters in DL4J and buffers in PyTorch, so they are left out) and the output shape of every
 * convolution and dense layer (channels, height, width; or width), in order.
 */
record TwinShape(long parameters, List<List<Long>> layerOutputs) {
    private static final Set<String> RUNNING_STATISTICS = Set.of("mean", "var", "log10stdev");

    static TwinShape of(MultiLayerConfiguration plain, InputShape input, boolean images) {
        MultiLayerNetwork net = new MultiLayerNetwork(plain.clone());
        net.init();
        long trainable = 0;
        for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> p : net.paramTable().entrySet()) {
            String name = p.getKey().substring(p.getKey().indexOf('_') + 1);
            if (!RUNNING_STATISTICS.contains(name)) trainable += p.getValue().length();
        }
        InputType in = images ? InputType.convolutionalFlat(input.height(), input.width(), input.channels())
                : InputType.feedForward(input.features());
        List<InputType> types = plain.getLayerActivationTypes(in);
        List<List<Long>> outputs = new ArrayList<>();
        for (int i = 0; i < plain.getConfs().size(); i++) {
            var layer = plain.getConf(i).getLayer();
            if (layer instanceof ConvolutionLayer && types.get(i) instanceof InputType.InputTypeConvolutional c) {
                outputs.add(List.of(c.getChannels(), c.getHeight(), c.getWidth()));
            } else if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
                outputs.add(List.of(types.get(i).arrayElementsPerExample()));
            }
        }
        return new TwinShape(trainable, outputs);
    }
}
