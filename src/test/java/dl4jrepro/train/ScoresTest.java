package dl4jrepro.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One minibatch at a time: the spread a one-minibatch train figure has, in inference and in training mode. */
class ScoresTest {
    static MultiLayerNetwork net() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().nIn(6).nOut(6).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    @Test
    void perBatchScoresEachMinibatchAndLeavesTheNetworkAsItWas() {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 100, 4);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 100, 3);
        for (int i = 0; i < 100; i++) y.putScalar(i, i % 3, 1.0);
        MultiLayerNetwork net = net();
        net.fit(x, y);
        INDArray before = net.params().dup();

        Scores.BatchSpread inference = Scores.perBatch(net, x, y, 10, 5, false);
        assertEquals(5, inference.batches(), "capped at maxBatches");
        double[] acc = new double[5];
        for (int b = 0; b < 5; b++) {
            INDArray xs = x.get(NDArrayIndex.interval(b * 10, b * 10 + 10), NDArrayIndex.all());
            INDArray ys = y.get(NDArrayIndex.interval(b * 10, b * 10 + 10), NDArrayIndex.all());
            acc[b] = Scores.countCorrect(net.output(xs, false), ys) / 10.0;
        }
        assertEquals(java.util.Arrays.stream(acc).average().getAsDouble(), inference.accMean(), 1e-12);
        assertEquals(dl4jrepro.base.Metrics.sampleSd(acc), inference.accSd(), 1e-12);
        assertTrue(inference.lossSd() > 0, "minibatches differ");

        Scores.BatchSpread training = Scores.perBatch(net, x, y, 10, 5, true);
        assertNotEquals(inference.lossMean(), training.lossMean(), "batch statistics instead of running ones");
        assertEquals(before, net.params(), "the running statistics and weights are untouched");
        assertEquals(10, Scores.perBatch(net, x, y, 10, 50, false).batches(), "no more than the split holds");
    }
}
