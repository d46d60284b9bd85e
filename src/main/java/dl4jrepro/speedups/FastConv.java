package dl4jrepro.speedups;

import dl4jrepro.layers.Wiring;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * DL4J's convolution layer, configured exactly as {@link ConvolutionLayer}, whose backward pass skips a forward
 * convolution DL4J computes for nothing when the layer's activation is the identity: see {@link FastConvLayer}.
 *
 * <p>{@code inputGradient}: whether backpropagation computes the gradient with respect to the layer's input, as
 * {@link FastDense}'s: a network's first layer has no layer below to hand it to and training discards it, so
 * {@link Speedups} switches it off there; code that asks a network for its input gradient keeps it on
 * ({@link Speedups#prepareKeepingInputGradients}).
 */
public class FastConv extends ConvolutionLayer {
    private boolean inputGradient = true;

    /** For JSON: DL4J rebuilds layer configurations by reflection when a model is loaded. */
    public FastConv() {}

    public boolean isInputGradient() {
        return inputGradient;
    }

    public void setInputGradient(boolean inputGradient) {
        this.inputGradient = inputGradient;
    }

    /** The same layer as {@code built}, every setting copied. */
    public static FastConv of(ConvolutionLayer built) {
        return Wiring.copySettings(built, new FastConv(), ConvolutionLayer.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        return Wiring.wire(new FastConvLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializer().init(conf, paramsView, initializeParams));
    }
}
