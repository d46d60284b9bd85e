package dl4jrepro.families;

import dl4jrepro.cli.UserError;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlpFamilyTest {
    final MlpFamily family = new MlpFamily();

    static Map<String, Object> twoLayer() {
        Map<String, Object> m = new HashMap<>();
        m.put("hidden", List.of(50));
        m.put("activation", "relu");
        m.put("weightInit", "normal");
        m.put("weightStd", 0.001);
        m.put("optimizer", "adam");
        m.put("lr", 0.001);
        m.put("beta1", 0.9);
        m.put("beta2", 0.999);
        m.put("epsilon", 1e-8);
        m.put("lrDecayPerEpoch", 0.95);
        m.put("l2", 0.001);
        m.put("l2Bias", 0.001);
        m.put("batch", 200);
        return m;
    }

    @Test
    void buildsTheReportsTwoLayerNet() {
        Hyperparameters hp = new Hyperparameters("t", twoLayer());
        family.validate(hp);
        MultiLayerConfiguration conf = family.configure(hp, 3072, 10, 1, 245);
        assertEquals(2, conf.getConfs().size());
        DenseLayer hidden = assertInstanceOf(DenseLayer.class, conf.getConf(0).getLayer());
        assertEquals(3072, hidden.getNIn());
        assertEquals(50, hidden.getNOut());
        OutputLayer out = assertInstanceOf(OutputLayer.class, conf.getConf(1).getLayer());
        assertEquals(10, out.getNOut());
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertEquals(3072 * 50 + 50 + 50 * 10 + 10, net.numParams());
        // Weights drawn from N(0, 1e-3): their sd is close to 1e-3, biases are zero.
        double sd = net.getParam("0_W").stdNumber().doubleValue();
        assertEquals(1e-3, sd, 5e-5);
        assertEquals(0.0, net.getParam("0_b").sumNumber().doubleValue());
        // Learning rate decays ×0.95 once per 245-step epoch.
        Adam adam = assertInstanceOf(Adam.class, hidden.getIUpdater());
        assertEquals(1e-3, adam.getLearningRate(244, 0), 1e-12);
        assertEquals(0.95e-3, adam.getLearningRate(245, 1), 1e-12);
    }

    @Test
    void rejectsImpossibleValuesBeforeTraining() {
        Map<String, Object> m = twoLayer();
        m.put("lrDecayPerEpoch", 1.5);
        UserError e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", m)));
        assertTrue(e.getMessage().contains("lrDecayPerEpoch=1.5 is impossible"), e.getMessage());
        m.put("lrDecayPerEpoch", 0.95);
        m.put("hidden", List.of(50, 0));
        e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", m)));
        assertTrue(e.getMessage().contains("hidden"), e.getMessage());
        m.put("hidden", List.of(50));
        m.put("optimizer", "lbfgs");
        e = assertThrows(UserError.class, () -> family.validate(new Hyperparameters("t", m)));
        assertTrue(e.getMessage().contains("optimizer=lbfgs"), e.getMessage());
    }
}
