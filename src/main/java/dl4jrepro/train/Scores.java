package dl4jrepro.train;

import dl4jrepro.base.Metrics;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Loss and accuracy of a network on a set of examples, computed in chunks so large splits fit in memory. Classifiers
 * score mean cross-entropy and accuracy; regression nets (a mean-squared-error output) score the mean squared error
 * and have no accuracy (NaN).
 */
public final class Scores {
    private static final int CHUNK = 5000;
    /**
     * Examples per chunk for a net with convolutions. Their activations grow with the chunk (the MNIST CNN's second
     * convolution: 100 KB an image), so a large chunk leaves the caches: a one-thread worker beside another, as a
     * search runs them, and the VGG net at any thread count score faster 128 at a time; the MNIST CNN alone on two
     * threads loses a little (results/benchmarks/scoring-chunk*.md, src/bench/run ScoringChunkBenchmark). Without a
     * helper, DL4J's im2col buffer also grows with it (5000 images: 6.4 GB for that layer), past the off-heap limit.
     */
    private static final int CONV_CHUNK = 128;

    private Scores() {}

    /**
     * Mean cross-entropy or squared error (data term only) and accuracy; {@code topShare} the share of examples
     * predicted as the most predicted class (1: one class for everything; NaN where not measured, and for regression).
     */
    public record LossAcc(double loss, double acc, double topShare) {
        public LossAcc(double loss, double acc) {
            this(loss, acc, Double.NaN);
        }
    }

    /** Whether the network is trained on mean squared error rather than classes. */
    public static boolean isRegression(MultiLayerNetwork net) {
        return net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer()
                instanceof BaseOutputLayer out
                && out.getLossFn() instanceof LossMSE;
    }

    private static int chunk(MultiLayerNetwork net) {
        for (var layer : net.getLayers()) {
            if (layer instanceof ConvolutionLayer) return CONV_CHUNK;
        }
        return CHUNK;
    }

    /** Sum over rows of the loss: −log p(true class), or the squared error averaged over outputs. */
    public static double lossSum(INDArray out, INDArray y, boolean regression) {
        if (!regression) return crossEntropySum(out, y);
        return out.sub(y).muli(out.sub(y)).sumNumber().doubleValue() / y.columns();
    }

    public static LossAcc of(MultiLayerNetwork net, INDArray x, INDArray y) {
        return of(net, x, y, null);
    }

    /** As {@link #of(MultiLayerNetwork, INDArray, INDArray)}, also feeding {@code evaluation} (confusion matrix etc.). */
    public static LossAcc of(MultiLayerNetwork net, INDArray x, INDArray y, Evaluation evaluation) {
        long n = x.rows();
        boolean regression = isRegression(net);
        double lossSum = 0;
        long correct = 0;
        long[] predicted = new long[(int) y.columns()];
        int chunk = chunk(net);
        for (long from = 0; from < n; from += chunk) {
            long to = Math.min(n, from + chunk);
            INDArray xs = x.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            INDArray ys = y.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            INDArray probs = net.output(xs, false);
            lossSum += lossSum(probs, ys, regression);
            if (regression) continue;
            INDArray guesses = probs.argMax(1);
            correct += countMatches(guesses, ys);
            for (long c : guesses.toLongVector()) predicted[(int) c]++;
            if (evaluation != null) evaluation.eval(ys, probs);
        }
        if (regression) return new LossAcc(lossSum / n, Double.NaN);
        return new LossAcc(lossSum / n, (double) correct / n, (double) Arrays.stream(predicted).max().orElse(0) / n);
    }

    /** Mean and sample sd over minibatches of their loss and accuracy. */
    public record BatchSpread(int batches, double lossMean, double lossSd, double accMean, double accSd) {}

    /**
     * Loss and accuracy of one minibatch at a time, as a "current minibatch" train figure measures them, over the first
     * {@code maxBatches} consecutive minibatches of {@code batch} rows: how far one such figure moves from batch to
     * batch. {@code trainingMode} scores as a training step's forward pass does (batch norm on the batch's own
     * statistics, dropout on), on a copy so the network's running statistics stay as they are.
     */
    public static BatchSpread perBatch(MultiLayerNetwork net, INDArray x, INDArray y, int batch, int maxBatches,
                                       boolean trainingMode) {
        // On the network itself, not a clone: a training-mode forward pass leaves its parameters as they are (batch
        // norm's running statistics move in the backward pass, through the updater; the test checks), and DL4J's clone
        // re-creates the layers without the oneDNN helpers the network chose, on DL4J's much slower built-in code
        // (src/bench/run ScoringChunkBenchmark).
        int batches = (int) Math.min(maxBatches, x.rows() / batch);
        double[] loss = new double[batches], acc = new double[batches];
        for (int b = 0; b < batches; b++) {
            INDArray xs = x.get(NDArrayIndex.interval((long) b * batch, (long) (b + 1) * batch), NDArrayIndex.all());
            INDArray ys = y.get(NDArrayIndex.interval((long) b * batch, (long) (b + 1) * batch), NDArrayIndex.all());
            INDArray probs = net.output(xs, trainingMode);
            loss[b] = crossEntropySum(probs, ys) / batch;
            acc[b] = (double) countCorrect(probs, ys) / batch;
        }
        return new BatchSpread(batches, Arrays.stream(loss).average().orElse(Double.NaN), Metrics.sampleSd(loss),
                Arrays.stream(acc).average().orElse(Double.NaN), Metrics.sampleSd(acc));
    }

    /** Sum over rows of −log p(true class); probabilities are floored at 1e-12 so a confident miss is finite. */
    public static double crossEntropySum(INDArray probs, INDArray oneHot) {
        INDArray pTrue = probs.mul(oneHot).sum(1);
        return -Transforms.log(Transforms.max(pTrue, 1e-12, false), false).sumNumber().doubleValue();
    }

    public static long countCorrect(INDArray probs, INDArray oneHot) {
        return countMatches(probs.argMax(1), oneHot);
    }

    /** How many predicted classes ({@code guesses}, one per row) are the rows' true classes. */
    private static long countMatches(INDArray guesses, INDArray oneHot) {
        return guesses.eq(oneHot.argMax(1)).castTo(DataType.INT).sumNumber().longValue();
    }
}
