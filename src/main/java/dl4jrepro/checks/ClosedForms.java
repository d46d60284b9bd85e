package dl4jrepro.checks;

import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The reports' hand-derived backpropagation (000 §2, 001 §1-3, 004 §1.1) evaluated from a two-layer DL4J network's own
 * activations and compared with the gradients DL4J's backpropagation returns for the same minibatch, in double
 * precision. DL4J stores a layer as z = x·W + b with W of shape [in, out], so the reports' column-vector formulas appear
 * transposed: ∂J̃/∂W² = a²ᵀ(ψ(z³) − Δ)/N + 2λW², and so on. Each report slip is evaluated as written (where its shapes
 * allow) and must fail the same comparison.
 */
public final class ClosedForms {
    private ClosedForms() {}

    /**
     * One formula against DL4J.
     *
     * @param expectedToHold false for a report's slip, which must fail
     * @param maxRelError    max over elements of |closed form − DL4J| / max(|closed form|, |DL4J|, 1e-12); NaN when
     *                       the formula cannot be evaluated (its shapes do not conform)
     */
    public record Row(String id, String formula, String source, boolean expectedToHold, double maxRelError, String note) {
        public boolean holds(double tolerance) {
            return Double.isFinite(maxRelError) && maxRelError <= tolerance;
        }
    }

    /**
     * @param net      a two-layer net (dense ReLU → softmax output with cross-entropy) in double precision, NoOp updater
     * @param lambda1  λ of λ‖W¹‖² (DL4J l2 = 2λ)
     * @param lambda2  λ of λ‖W²‖²
     * @param analytic DL4J's gradient with its L2 terms (see {@link GradientCheck#analytic})
     */
    public static List<Row> compare(MultiLayerNetwork net, INDArray x, INDArray y, double lambda1, double lambda2,
                                    INDArray analytic, double epsilon) {
        long n = x.rows();
        Map<String, INDArray> p = net.paramTable();
        INDArray w1 = p.get("0_W"), b1 = p.get("0_b"), w2 = p.get("1_W"), b2 = p.get("1_b");
        INDArray z2 = x.mmul(w1).addiRowVector(b1);
        INDArray mask = z2.gt(0).castTo(x.dataType());
        INDArray a2 = z2.mul(mask);
        INDArray z3 = a2.mmul(w2).addiRowVector(b2);
        INDArray psi = new ActivationSoftmax().getActivation(z3.dup(), false);
        INDArray delta3 = psi.sub(y).divi(n);                                   // ∂J/∂z³ = (ψ(z³) − Δ)/N
        INDArray delta2 = delta3.mmul(w2.transpose()).muli(mask);               // through W² and the ReLU mask
        Map<String, INDArray> dl4j = GradientCheck.byParameter(net, analytic);

        List<Row> rows = new ArrayList<>();
        // DL4J's own ∂J/∂z³: the loss function's gradient at the output's pre-activation, averaged over the batch.
        BaseOutputLayer out = (BaseOutputLayer) net.getLayerWiseConfigurations().getConf(1).getLayer();
        INDArray lossGrad = out.getLossFn().computeGradient(y, z3.dup(), out.getActivationFn(), null).divi(n);
        rows.add(row("dJ_dz3", "∂J/∂z³ = (ψ(z³) − Δ) / N", "000 §2, 001 eq. (1), 004 eq. (18)", true,
                delta3, lossGrad, null));
        rows.add(row("dJ_dW2", "∂J̃/∂W² = (ψ(z³) − Δ) a²ᵀ / N + 2λW²", "000 §2, 001 §2.2", true,
                a2.transpose().mmul(delta3).addi(w2.mul(2 * lambda2)), dl4j.get("1_W"), null));
        rows.add(row("dJ_db2", "∂J/∂b² = (ψ(z³) − Δ) 1 / N", "000 §2, 001 §3.1", true,
                delta3.sum(true, 0), dl4j.get("1_b"), null));
        rows.add(row("dJ_dW1", "∂J̃/∂W¹ = ((W²ᵀ(ψ(z³) − Δ)/N) ⊙ 1[z² > 0]) a¹ᵀ + 2λW¹", "000 §2, 001 §3.2 (corrected)", true,
                x.transpose().mmul(delta2).addi(w1.mul(2 * lambda1)), dl4j.get("0_W"),
                "the ReLU mask 1[z² > 0] is element-wise, between the two matrix products"));
        rows.add(row("dJ_db1", "∂J/∂b¹ = (W²ᵀ(ψ(z³) − Δ)/N) ⊙ 1[z² > 0] summed over the batch", "000 §2, 001 §3.3 (corrected)",
                true, delta2.sum(true, 0), dl4j.get("0_b"), null));
        rows.add(softmaxJacobian(z3.getRow(0, true), epsilon));

        // The slips, as written.
        rows.add(row("slip_001_eq20", "001 eq. (20): ∂J̃/∂W¹ = Part1ᵀ a¹ᵀ + 2λW² (λ term of the wrong layer)", "001 §3.2",
                false, shapesMatch(w1, w2) ? x.transpose().mmul(delta2).addi(w2.mul(2 * lambda1)) : null, dl4j.get("0_W"),
                "W² (" + shape(w2) + ") cannot even be added to a gradient of W¹ (" + shape(w1) + ")"));
        rows.add(row("slip_001_dz3", "001 §3.2: ∂J̃/∂z³ = Σ (ψ(z³) − Δ)/N + 2λW² (a weight penalty inside ∂/∂z³)", "001 §3.2",
                false, shapesMatch(delta3, w2) ? delta3.add(w2.mul(2 * lambda2)) : null, lossGrad,
                "the penalty does not depend on z³; its shape " + shape(w2) + " is not ∂J/∂z³'s " + shape(delta3)));
        rows.add(row("slip_004_db", "004 eq. (17): ∂x̃/∂b = a matrix of ones, so ∂L/∂b = ∂L/∂x̃ · 1", "004 §1.1",
                false, delta3.sum(true, 0).mmul(Nd4j.ones(x.dataType(), b2.length(), b2.length())), dl4j.get("1_b"),
                "∂x̃ᵢ/∂bⱼ = 1[i = j]: the identity, not all ones (the report's final eq. (23) is right)"));
        rows.add(row("slip_dW1_no_mask", "∂J̃/∂W¹ without the ReLU mask (the factor 001's and 000's products are easy to lose)",
                "a control", false, x.transpose().mmul(delta3.mmul(w2.transpose())).addi(w1.mul(2 * lambda1)),
                dl4j.get("0_W"), "shows the comparison notices a missing mask"));
        return rows;
    }

    /** The softmax Jacobian x_i(1[i = j] − x_j) (004 eq. 9) against central differences of DL4J's softmax. */
    private static Row softmaxJacobian(INDArray z, double epsilon) {
        int c = (int) z.length();
        INDArray s = new ActivationSoftmax().getActivation(z.dup(), false);
        INDArray closed = Nd4j.create(z.dataType(), c, c), numeric = Nd4j.create(z.dataType(), c, c);
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) closed.putScalar(i, j, s.getDouble(i) * ((i == j ? 1 : 0) - s.getDouble(j)));
        }
        for (int j = 0; j < c; j++) {
            INDArray plus = z.dup(), minus = z.dup();
            plus.putScalar(j, z.getDouble(j) + epsilon);
            minus.putScalar(j, z.getDouble(j) - epsilon);
            INDArray d = new ActivationSoftmax().getActivation(plus, false).sub(new ActivationSoftmax().getActivation(minus, false))
                    .divi(2 * epsilon);
            for (int i = 0; i < c; i++) numeric.putScalar(i, j, d.getDouble(i));
        }
        return row("softmax_jacobian", "∂xᵢ/∂x̃ⱼ = xᵢ(1[i = j] − xⱼ)", "004 eq. (9)", true, closed, numeric,
                "against central differences of DL4J's softmax (ε as the check's)");
    }

    private static Row row(String id, String formula, String source, boolean expected, INDArray closed, INDArray dl4j,
                           String note) {
        double err = closed == null || closed.length() != dl4j.length() ? Double.NaN
                : maxRelError(closed, dl4j.reshape(closed.shape()));
        return new Row(id, formula, source, expected, err, note);
    }

    static double maxRelError(INDArray a, INDArray b) {
        INDArray diff = Transforms.abs(a.sub(b));
        INDArray scale = Transforms.max(Transforms.max(Transforms.abs(a), Transforms.abs(b)), 1e-12);
        return diff.div(scale).maxNumber().doubleValue();
    }

    private static boolean shapesMatch(INDArray a, INDArray b) {
        return Arrays.equals(a.shape(), b.shape());
    }

    private static String shape(INDArray a) {
        return a.rows() + "×" + a.columns();
    }
}
