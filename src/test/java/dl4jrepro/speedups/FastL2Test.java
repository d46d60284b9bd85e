package dl4jrepro.speedups;

import dl4jrepro.TestNets;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FastL2} regularizes as DL4J's L2Regularization does, gradient and score, up to float rounding. */
class FastL2Test {
    /** 30 → 40 → softmax 5 with L2 on weights and biases, and dropout, so DL4J's own fit trains it (not DenseStep). */
    static MultiLayerConfiguration net() {
        return new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).weightInit(WeightInit.XAVIER)
                .updater(new Adam(1e-2)).l2(0.05).l2Bias(0.02).list()
                .layer(new DenseLayer.Builder().nIn(30).nOut(40).activation(Activation.RELU).dropOut(0.8).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(40).nOut(5).activation(Activation.SOFTMAX).build())
                .build();
    }

    @Test
    void trainsAndScoresAsDl4jsL2() {
        MultiLayerNetwork dl4j = TestNets.net(net(), "-l2"), fast = TestNets.net(net(), "on");
        var substitutions = TestNets.prepared(net(), "on").substitutions();
        assertTrue(substitutions.stream().anyMatch(s -> s.kind().equals("l2")), substitutions.toString());
        assertTrue(((BaseLayer) fast.getLayerWiseConfigurations().getConf(0).getLayer()).getRegularization().get(0) instanceof FastL2);
        fast.setParams(dl4j.params().dup());
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 25, 30), y = Nd4j.zeros(DataType.FLOAT, 25, 5);
        for (int i = 0; i < 25; i++) y.putScalar(i, i % 5, 1f);
        for (int step = 0; step < 10; step++) {
            // the same dropout masks on both sides
            Nd4j.getRandom().setSeed(100 + step);
            dl4j.fit(x, y);
            Nd4j.getRandom().setSeed(100 + step);
            fast.fit(x, y);
            assertEquals(dl4j.score(), fast.score(), 1e-6 * Math.abs(dl4j.score()), "score at step " + step);
        }
        double l2Part = dl4j.calcRegularizationScore(true);
        assertTrue(l2Part > 1e-3 * dl4j.score(), "the L2 term weighs in the score: " + l2Part);
        assertEquals(l2Part, fast.calcRegularizationScore(true), 1e-6 * l2Part);
        assertEquals(0, dl4j.params().sub(fast.params()).amaxNumber().doubleValue(), 1e-5 * dl4j.params().amaxNumber().doubleValue());
        MultiLayerConfiguration saved = MultiLayerConfiguration.fromJson(fast.getLayerWiseConfigurations().toJson());
        assertTrue(((BaseLayer) saved.getConf(1).getLayer()).getRegularizationBias().get(0) instanceof FastL2, "FastL2 survives JSON");
    }
}
