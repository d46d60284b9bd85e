package dl4jrepro.train;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EarlyStoppingTest {
    static MultiLayerNetwork tinyNet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2).build()).build());
        net.init();
        return net;
    }

    @Test
    void stopsPatienceEpochsAfterTheLastRealGainAndRestoresThatEpochsWeights() {
        // Epoch 3 is the last gain above 1e-4 (epoch 4 gains only 5e-5); with patience 5 training stops after epoch 8.
        double[] valAcc = {0.30, 0.35, 0.351, 0.35105, 0.34, 0.35, 0.3505, 0.349, 0.9};
        MultiLayerNetwork net = tinyNet();
        EarlyStopping es = new EarlyStopping(5, 1e-4);
        int stoppedAt = -1;
        for (int epoch = 1; epoch <= valAcc.length; epoch++) {
            net.params().assign(epoch);  // weights that say which epoch they come from
            if (es.observe(epoch, valAcc[epoch - 1], net)) {
                stoppedAt = epoch;
                break;
            }
        }
        assertEquals(8, stoppedAt);
        assertEquals(3, es.bestEpoch());
        assertEquals(0.351, es.bestScore());
        es.restoreBest(net);
        assertEquals(3.0, net.params().minNumber().doubleValue());
        assertEquals(3.0, net.params().maxNumber().doubleValue());
    }

    @Test
    void keepsGoingWhileItImproves() {
        MultiLayerNetwork net = tinyNet();
        EarlyStopping es = new EarlyStopping(2, 1e-4);
        for (int epoch = 1; epoch <= 10; epoch++) assertFalse(es.observe(epoch, 0.1 * epoch, net));
        assertEquals(10, es.bestEpoch());
        assertTrue(es.observe(11, 0.5, net) == false && es.observe(12, 0.5, net), "stops two epochs after the best");
    }
}
