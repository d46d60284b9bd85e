package dl4jrepro.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Batch normalisation by automatic differentiation (report 004 §3.1): only the forward pass is written, as a SameDiff
 * graph, and SameDiff derives the backward pass.
 *
 * <p>It always normalises with the statistics of the minibatch it is given, in training and at inference, as the
 * report's autograd module does (running averages are what §3.2's module adds): a DL4J SameDiff layer builds one graph
 * for both modes, and keeping running averages would need state that is not a parameter. In this project inference runs
 * over chunks of thousands of examples, whose statistics are close to the training set's.
 *
 * <p>DL4J M2.1's SameDiff layer returns twice the gradient: its external-errors function feeds the upstream gradient
 * into the graph's backward pass twice, so every parameter and input gradient of any SameDiff layer comes out doubled
 * (a one-line affine layer shows it; BatchNormLayersTest pins it). {@link ExternalErrorsOnce} halves what the layer
 * returns, and the tests hold the result to DL4J's own BatchNormalization and to finite differences.
 */
public class SameDiffBatchNorm extends SameDiffLayer {
    private long width;
    private double eps = 1e-5;

    /** For JSON: DL4J rebuilds layer configurations by reflection when a model is loaded. */
    protected SameDiffBatchNorm() {}

    public SameDiffBatchNorm(long width, double eps) {
        this.width = width;
        this.eps = eps;
    }

    public long getWidth() {
        return width;
    }

    public void setWidth(long width) {
        this.width = width;
    }

    public double getEps() {
        return eps;
    }

    public void setEps(double eps) {
        this.eps = eps;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> params, SDVariable mask) {
        SDVariable mean = x.mean(true, 0);
        SDVariable centred = x.sub(mean);
        SDVariable variance = centred.mul(centred).mean(true, 0);
        SDVariable normalised = centred.div(sd.math().sqrt(variance.add(eps)));
        return normalised.mul(params.get(HandBatchNormParams.GAMMA)).add(params.get(HandBatchNormParams.BETA));
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
            int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        return Wiring.wire(new ExternalErrorsOnce(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializer().init(conf, paramsView, initializeParams));
    }

    /** DL4J's SameDiff layer with its doubled backward pass (see the class comment) halved. */
    public static final class ExternalErrorsOnce extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
        public ExternalErrorsOnce(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private boolean gradientFunctionBuilt;

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            Pair<Gradient, INDArray> doubled;
            if (gradientFunctionBuilt) {
                doubled = super.backpropGradient(epsilon, workspaceMgr);
            } else {
                // The first call builds SameDiff's gradient function, which prints a line per op straight to
                // System.out (SameDiff.createGradFunction in M2.1); keep it out of the run's progress output.
                PrintStream out = System.out;
                System.setOut(new PrintStream(OutputStream.nullOutputStream()));
                try {
                    doubled = super.backpropGradient(epsilon, workspaceMgr);
                } finally {
                    System.setOut(out);
                }
                gradientFunctionBuilt = true;
            }
            doubled.getFirst().gradientForVariable().values().forEach(g -> g.divi(2));
            doubled.getSecond().divi(2);
            return doubled;
        }
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam(HandBatchNormParams.GAMMA, 1, width);
        params.addBiasParam(HandBatchNormParams.BETA, 1, width);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(HandBatchNormParams.GAMMA).assign(1);
        params.get(HandBatchNormParams.BETA).assign(0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (width <= 0 || override) width = ((InputType.InputTypeFeedForward) inputType).getSize();
    }

    /** Batch-norm parameters are never regularised (as DL4J's own layer). */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return null;
    }
}
