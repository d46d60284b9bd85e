package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's activation layer for {@link FastReLU}, training without its copies. DL4J M2.1's layer copies its input
 * before applying the activation in place (to keep the input for the backward pass), copies it again in the backward
 * pass for the activation's backprop to overwrite, and copies the result into the gradient workspace: three passes
 * over the activations that a JFR profile of the CNNs' step put above PyTorch's whole ReLU. Here the forward pass writes
 * max(0, x) straight into a new array (the same {@code RectifiedLinear} op DL4J's ReLU runs, so the same values), and
 * the backward pass step(x)·dL/dy straight into the gradient workspace, as FastReLU computes it. Inference, and any
 * other activation, run DL4J's code.
 */
public class FastActivationLayer extends ActivationLayer {
    private long passes;

    public FastActivationLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private boolean fast() {
        return layerConf().getActivationFn() instanceof FastReLU && maskArray == null;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        if (!training || !fast()) return super.activate(training, mgr);
        assertInputSet(false);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), input.ordering());
        Nd4j.getExecutioner().exec(new RectifiedLinear(input, out));
        passes++;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        if (!fast()) return super.backpropGradient(epsilon, mgr);
        assertInputSet(true);
        INDArray delta = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), input.ordering());
        Nd4j.getExecutioner().exec(new Step(input, delta, 0.0));
        delta.muli(epsilon);
        return new Pair<>(new DefaultGradient(), delta);
    }

    /** Training forward passes that took the path without copies. */
    long passes() {
        return passes;
    }
}
