package dl4jrepro.checks;

import dl4jrepro.data.InputShape;
import dl4jrepro.families.MlpFamily;
import dl4jrepro.spec.Hyperparameters;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check passes DL4J's backpropagation and catches a gradient with a report-style slip in its L2 term. */
@org.junit.jupiter.api.extension.ExtendWith(DoublePrecision.class)
class GradientCheckTest {


    static MultiLayerNetwork twoLayer(String activation) {
        Map<String, Object> m = new HashMap<>(Map.of("hidden", List.of(6), "activation", activation,
                "weightInit", "normal", "weightStd", 0.5, "optimizer", "sgd", "lr", 1.0, "regPerLayer", List.of(0.1, 0.3),
                "l2Bias", 0.0, "batch", 7));
        return GradientCheck.network(new MlpFamily().configure(new Hyperparameters("t", m), new InputShape(1, 1, 5), 3, 3, 1));
    }

    static INDArray inputs() {
        return Nd4j.rand(DataType.DOUBLE, 7, 5).subi(0.5);
    }

    static INDArray labels() {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 7, 3);
        for (int i = 0; i < 7; i++) y.putScalar(i, i % 3, 1.0);
        return y;
    }

    @Test
    void backpropagationAgreesWithCentralDifferencesAndASlipIsCaught() {
        MultiLayerNetwork net = twoLayer("tanh");
        INDArray x = inputs(), y = labels();
        INDArray analytic = GradientCheck.analytic(net, x, y), numeric = GradientCheck.numeric(net, x, y, 1e-6);
        Map<String, GradientCheck.Stats> ok = GradientCheck.compare(net, analytic, numeric, 1e-5, 1e-9);
        assertEquals(List.of("0_W", "0_b", "1_W", "1_b"), List.copyOf(ok.keySet()));
        assertTrue(ok.values().stream().allMatch(s -> s.failures() == 0 && s.maxRelError() < 1e-6), ok.toString());
        assertTrue(GradientCheck.dl4j(net, x, y, 1e-6, 1e-5, 1e-9), "DL4J's own check agrees");

        // The slip: the weight-decay term written as λW instead of 2λW on the output weights (λ = 0.3).
        INDArray slipped = analytic.dup();
        long w2 = 5 * 6 + 6;
        INDArray outputWeights = net.getParam("1_W");
        for (int i = 0; i < outputWeights.length(); i++) {
            slipped.putScalar(w2 + i, slipped.getDouble(w2 + i) - 0.3 * outputWeights.getDouble(i));
        }
        Map<String, GradientCheck.Stats> caught = GradientCheck.compare(net, slipped, numeric, 1e-5, 1e-9);
        assertTrue(caught.get("1_W").failures() > 0, "the slip fails the check");
        assertEquals(0, caught.get("0_W").failures(), "and only where it is");
    }

    @Test
    void theReportsClosedFormsGiveDl4jsGradientsAndTheirSlipsDoNot() {
        MultiLayerNetwork net = twoLayer("relu");
        INDArray x = inputs(), y = labels();
        List<ClosedForms.Row> rows = ClosedForms.compare(net, x, y, 0.1, 0.3, GradientCheck.analytic(net, x, y), 1e-6);
        assertEquals(10, rows.size());
        for (ClosedForms.Row r : rows) assertEquals(r.expectedToHold(), r.holds(1e-6), r.formula() + ": " + r.maxRelError());
    }
}
