package dl4jrepro.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Test-only: {@link HandBatchNorm} whose backward pass forgets the x̂·∂L/∂γ term, a slip a gradient check must catch. */
public class BrokenHandBatchNorm extends HandBatchNorm {
    protected BrokenHandBatchNorm() {}

    BrokenHandBatchNorm(Builder builder) {
        super(builder);
    }

    @Override
    protected HandBatchNormLayer newLayer(NeuralNetConfiguration conf, DataType dataType) {
        return new HandBatchNormLayer(conf, dataType) {
            @Override
            protected INDArray inputGradient(INDArray g, INDArray dGamma, INDArray dBeta, long n) {
                return g.mul(n).subiRowVector(dBeta).muliRowVector(getParam("gamma").mul(cachedInverseStd()).divi(n));
            }
        };
    }

    static class Builder extends HandBatchNorm.Builder {
        @Override
        @SuppressWarnings("unchecked")
        public BrokenHandBatchNorm build() {
            return new BrokenHandBatchNorm(this);
        }
    }
}
