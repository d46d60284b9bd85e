package dl4jrepro.checks;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Backpropagation against central differences, per parameter matrix, the way report 002 tabulates it: the sum of the
 * absolute differences, and the mean, min and max of the absolute values of each side. The network must be in double
 * precision with a NoOp updater (so the "update" is the gradient with its L2 term) and without dropout.
 */
public final class GradientCheck {
    private GradientCheck() {}

    /** One parameter matrix's comparison. */
    /**
     * @param maxRelError    over the elements the pass/fail rule looks at (absolute difference ≥ minAbsoluteError)
     * @param maxRelErrorAll over every element, however small its difference
     */
    public record Stats(long size, double sumAbsDiff, double meanAbs, double minAbs, double maxAbs, double meanAbsNum,
                        double minAbsNum, double maxAbsNum, double maxRelError, double maxRelErrorAll, long failures) {}

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
            params.putScalar(i, original + epsilon);
            double plus = net.score(data, false);
            params.putScalar(i, original - epsilon);
            double minus = net.score(data, false);
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
        long offset = 0;
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            long n = p.getValue().length();
            double sum = 0, sumA = 0, sumN = 0, minA = Double.POSITIVE_INFINITY, minN = Double.POSITIVE_INFINITY;
            double maxA = 0, maxN = 0, maxRel = 0, maxRelAll = 0;
            long failures = 0;
            for (long i = offset; i < offset + n; i++) {
                double a = analytic.getDouble(i), m = numeric.getDouble(i), d = Math.abs(a - m);
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
            out.put(p.getKey(), new Stats(n, sum, sumA / n, minA, maxA, sumN / n, minN, maxN, maxRel, maxRelAll, failures));
            offset += n;
        }
        return out;
    }

    /** DL4J's own gradient check on the same network and data. */
    public static boolean dl4j(MultiLayerNetwork net, INDArray x, INDArray y, double epsilon, double maxRelError,
                               double minAbsoluteError) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                .epsilon(epsilon).maxRelError(maxRelError).minAbsoluteError(minAbsoluteError)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
    }
}
