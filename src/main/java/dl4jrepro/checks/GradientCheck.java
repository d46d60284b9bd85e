package dl4jrepro.checks;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Backpropagation against central differences, per parameter matrix, the way report 002 tabulates it: the sum of the
 * absolute differences, and the mean, min and max of the absolute values of each side. The network must be in double
 * precision with a NoOp updater (so the "update" is the gradient with its L2 term) and without dropout.
 */
public final class GradientCheck {
    private GradientCheck() {}

    /**
     * One parameter matrix's comparison.
     *
     * @param maxRelError    over the elements the pass/fail rule looks at (absolute difference ≥ minAbsoluteError)
     * @param maxRelErrorAll over every element, however small its difference
     */
    public record Stats(long size, double sumAbsDiff, double meanAbs, double minAbs, double maxAbs, double meanAbsNum,
                        double minAbsNum, double maxAbsNum, double maxRelError, double maxRelErrorAll, long failures) {}

    /**
     * The configuration a check needs: double precision, and a NoOp updater so that the "update" is the gradient with
     * its L2 term, which is what the loss's derivative must equal.
     */
    public static MultiLayerConfiguration checkable(MultiLayerConfiguration conf) {
        conf.setDataType(DataType.DOUBLE);
        for (var layer : conf.getConfs()) {
            if (layer.getLayer() instanceof BaseLayer b) b.setIUpdater(new NoOp());
            if (layer.getLayer() instanceof AbstractSameDiffLayer s) s.setUpdater(new NoOp());
        }
        return conf;
    }

    /** The network of {@link #checkable}, initialised, with DL4J's own code throughout. */
    public static MultiLayerNetwork network(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(checkable(conf));
        net.init();
        return net;
    }

    /** A flat vector laid out like the network's parameters (a gradient), cut into them and shaped like them. */
    public static Map<String, INDArray> byParameter(MultiLayerNetwork net, INDArray flat) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        INDArray v = flat.reshape(flat.length());
        long offset = 0;
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            long len = e.getValue().length();
            INDArray part = v.get(NDArrayIndex.interval(offset, offset + len)).dup();
            out.put(e.getKey(), part.reshape(e.getValue().ordering(), e.getValue().shape()));
            offset += len;
        }
        return out;
    }

    /** The gradient backpropagation gives, regularisation included: what an SGD step of rate 1 would subtract. */
    public static INDArray analytic(MultiLayerNetwork net, INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        Gradient g = net.gradient();
        net.getUpdater().update(net, g, 0, 0, (int) x.rows(), LayerWorkspaceMgr.noWorkspaces());
        return g.gradient().dup();
    }

    /** (J(θ + ε) − J(θ − ε)) / 2ε for every parameter in turn, J the loss with its regularisation terms. */
    public static INDArray numeric(MultiLayerNetwork net, INDArray x, INDArray y, double epsilon) {
        DataSet data = new DataSet(x, y);
        INDArray params = net.params();
        INDArray out = params.dup();
        for (long i = 0; i < params.length(); i++) {
            double original = params.getDouble(i);
            // Training mode, as backpropagation ran: batch norm uses the batch's statistics (as DL4J's own check).
            params.putScalar(i, original + epsilon);
            double plus = net.score(data, true);
            params.putScalar(i, original - epsilon);
            double minus = net.score(data, true);
            params.putScalar(i, original);
            out.putScalar(i, (plus - minus) / (2 * epsilon));
        }
        return out;
    }

    /**
     * Per parameter name ("0_W", "0_b", ...), in the network's order. An element fails when its relative error exceeds
     * {@code maxRelError} and its absolute difference is at least {@code minAbsoluteError}, as DL4J's check has it.
     */
    public static Map<String, Stats> compare(MultiLayerNetwork net, INDArray analytic, INDArray numeric, double maxRelError,
                                             double minAbsoluteError) {
        Map<String, Stats> out = new LinkedHashMap<>();
        Map<String, INDArray> analyticParts = byParameter(net, analytic), numericParts = byParameter(net, numeric);
        for (String name : analyticParts.keySet()) {
            if (isRunningStatistic(name)) continue;
            // Both sides are cut the same way, so element i of one is element i of the other.
            double[] as = analyticParts.get(name).reshape(-1).toDoubleVector();
            double[] ns = numericParts.get(name).reshape(-1).toDoubleVector();
            int n = as.length;
            double sum = 0, sumA = 0, sumN = 0, minA = Double.POSITIVE_INFINITY, minN = Double.POSITIVE_INFINITY;
            double maxA = 0, maxN = 0, maxRel = 0, maxRelAll = 0;
            long failures = 0;
            for (int i = 0; i < n; i++) {
                double a = as[i], m = ns[i], d = Math.abs(a - m);
                sum += d;
                sumA += Math.abs(a);
                sumN += Math.abs(m);
                minA = Math.min(minA, Math.abs(a));
                minN = Math.min(minN, Math.abs(m));
                maxA = Math.max(maxA, Math.abs(a));
                maxN = Math.max(maxN, Math.abs(m));
                double rel = d == 0 ? 0 : d / Math.max(Math.abs(a), Math.abs(m));
                maxRelAll = Math.max(maxRelAll, rel);
                if (d >= minAbsoluteError) {
                    maxRel = Math.max(maxRel, rel);
                    if (rel > maxRelError) failures++;
                }
            }
            out.put(name, new Stats(n, sum, sumA / n, minA, maxA, sumN / n, minN, maxN, maxRel, maxRelAll, failures));
        }
        return out;
    }

    /**
     * Batch norm's running mean and variance (DL4J's "mean", "var", "log10stdev") are not learned: what backpropagation
     * hands the updater for them is their moving-average step, not a derivative of the loss, so no check applies.
     */
    public static boolean isRunningStatistic(String name) {
        return name.endsWith("_mean") || name.endsWith("_var") || name.endsWith("_log10stdev");
    }

    /** DL4J's own gradient check on the same network and data. */
    public static boolean dl4j(MultiLayerNetwork net, INDArray x, INDArray y, double epsilon, double maxRelError,
                               double minAbsoluteError) {
        Set<String> running = new HashSet<>();
        for (String name : net.paramTable().keySet()) if (isRunningStatistic(name)) running.add(name);
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                .epsilon(epsilon).maxRelError(maxRelError).minAbsoluteError(minAbsoluteError).excludeParams(running)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }
}
