package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.nd4j.linalg.api.buffer.DataType;

import java.lang.reflect.Field;

/**
 * DL4J's batch-norm layer whose oneDNN helper is replaced in training by {@link FastBatchNormHelper}'s Java loops; with
 * any other helper (cuDNN on a GPU) or none, exactly DL4J's layer.
 */
public class FastBatchNormLayer extends BatchNormalization {
    public FastBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        if (getHelper() instanceof MKLDNNBatchNormHelper dl4jHelper) {
            try {
                // DL4J picks the helper in a package-private method and field; this swaps it after the fact.
                Field field = BatchNormalization.class.getDeclaredField("helper");
                field.setAccessible(true);
                field.set(this, new FastBatchNormHelper((BatchNormalizationHelper) dl4jHelper));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot install the batch-norm helper into DL4J's layer", e);
            }
        }
    }

    /**
     * Training steps through the faster statistics (on the CPU backend with oneDNN, single precision): the lesser of
     * the forward and backward passes that succeeded there, since DL4J silently drops a helper that throws.
     */
    public long fastStatisticsSteps() {
        return getHelper() instanceof FastBatchNormHelper h ? Math.min(h.passes(), h.backwardPasses()) : 0;
    }
}
