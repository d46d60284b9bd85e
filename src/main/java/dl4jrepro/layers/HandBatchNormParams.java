package dl4jrepro.layers;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter layout of {@link HandBatchNorm}: four rows of {@code nOut} values, [gamma, beta, mean, var], as views into
 * the network's single parameter vector (and, the same way, into its gradient vector). Starts at gamma 1, beta 0,
 * running mean 0, running variance 1: the identity transform.
 */
public final class HandBatchNormParams implements ParamInitializer {
    public static final HandBatchNormParams INSTANCE = new HandBatchNormParams();
    public static final String GAMMA = "gamma", BETA = "beta", MEAN = "mean", VAR = "var";
    private static final List<String> KEYS = List.of(GAMMA, BETA, MEAN, VAR);

    private HandBatchNormParams() {}

    static boolean isRunningStatistic(String key) {
        return MEAN.equals(key) || VAR.equals(key);
    }

    private static long width(NeuralNetConfiguration conf) {
        return ((FeedForwardLayer) conf.getLayer()).getNOut();
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return 4 * width(conf);
    }

    @Override
    public long numParams(Layer layer) {
        return 4 * ((FeedForwardLayer) layer).getNOut();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return KEYS;
    }

    @Override
    public List<String> weightKeys(Layer layer) {
        return List.of();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return false;
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return false;
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> views = views(conf, paramsView);
        if (initializeParams) {
            views.get(GAMMA).assign(1);
            views.get(BETA).assign(0);
            views.get(MEAN).assign(0);
            views.get(VAR).assign(1);
        }
        KEYS.forEach(conf::addVariable);
        return views;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf, gradientView);
    }

    private static Map<String, INDArray> views(NeuralNetConfiguration conf, INDArray flat) {
        long n = width(conf);
        INDArray row = flat.reshape(flat.length());
        Map<String, INDArray> views = Collections.synchronizedMap(new LinkedHashMap<>());
        for (int k = 0; k < KEYS.size(); k++) {
            views.put(KEYS.get(k), row.get(NDArrayIndex.interval(k * n, (k + 1) * n)).reshape(1, n));
        }
        return views;
    }
}
