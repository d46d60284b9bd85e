package dl4jrepro.checks;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a network built with another implementation of a layer computes what a reference network computes (catalogue
 * E3: hand-written and SameDiff batch norm against DL4J's own). Both networks get the reference's values for every
 * parameter they share by name, then see the same minibatch; each row is the largest absolute difference of one thing.
 */
public final class LayerEquivalence {
    /** @param applies false where the candidate differs by design (then the row is shown, not judged) */
    public record Row(String id, String what, double maxAbsDiff, boolean applies) {}

    private LayerEquivalence() {}

    /**
     * @param steps training steps (the networks' own updaters) after which the running statistics and the inference-mode
     *              outputs are compared
     */
    public static List<Row> compare(MultiLayerNetwork reference, MultiLayerNetwork candidate, INDArray x, INDArray y,
                                    int steps, boolean inferenceUsesRunningStatistics) throws IOException {
        List<Row> rows = new ArrayList<>();
        copyShared(reference, candidate);
        rows.add(new Row("train_output", "outputs, training mode (batch statistics)",
                maxAbs(reference.output(x, true), candidate.output(x, true)), true));

        double[] loss = new double[2];
        Map<String, INDArray> refGrad = gradients(reference, x, y, loss, 0);
        Map<String, INDArray> candGrad = gradients(candidate, x, y, loss, 1);
        rows.add(new Row("loss", "loss on the minibatch", Math.abs(loss[0] - loss[1]), true));
        double worst = 0;
        for (var e : candGrad.entrySet()) {
            if (GradientCheck.isRunningStatistic(e.getKey()) || !refGrad.containsKey(e.getKey())) continue;
            worst = Math.max(worst, maxAbs(refGrad.get(e.getKey()), e.getValue()));
        }
        rows.add(new Row("gradients", "gradients of every shared parameter (" + String.join(", ", shared(reference, candidate))
                + ")", worst, true));
        rows.add(new Row("input_gradient", "gradient with respect to the input", maxAbs(inputGradient(reference, x, y),
                inputGradient(candidate, x, y)), true));

        for (int i = 0; i < steps; i++) {
            reference.fit(x, y);
            candidate.fit(x, y);
        }
        Map<String, INDArray> ref = runningStatistics(reference), cand = runningStatistics(candidate);
        if (!cand.isEmpty()) {
            double mean = 0, var = 0;
            for (String layer : cand.keySet()) {
                if (layer.endsWith("_mean")) mean = Math.max(mean, maxAbs(ref.get(layer), cand.get(layer)));
                if (layer.endsWith("_var")) var = Math.max(var, maxAbs(ref.get(layer), cand.get(layer)));
            }
            rows.add(new Row("running_mean", "running mean after " + steps + " training steps", mean, true));
            rows.add(new Row("running_var", "running variance after " + steps + " training steps", var, true));
        }
        rows.add(new Row("params_after_steps", "every shared parameter after " + steps + " training steps",
                sharedParamsDiff(reference, candidate), true));
        rows.add(new Row("inference_output", "outputs, inference mode, after " + steps + " steps",
                maxAbs(reference.output(x, false), candidate.output(x, false)), inferenceUsesRunningStatistics));

        Path file = Files.createTempFile("layer-equivalence", ".zip");
        try {
            ModelSerializer.writeModel(candidate, file.toFile(), true);
            MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file.toFile(), true);
            boolean sameLayers = true;
            for (int i = 0; i < candidate.getnLayers(); i++) {
                sameLayers &= restored.getLayer(i).getClass().equals(candidate.getLayer(i).getClass());
            }
            double diff = Math.max(maxAbs(candidate.params(), restored.params()),
                    maxAbs(candidate.output(x, false), restored.output(x, false)));
            rows.add(new Row("serialised", "ModelSerializer save and load: parameters and outputs"
                    + (sameLayers ? "" : " (LAYER CLASSES CHANGED)"), sameLayers ? diff : Double.POSITIVE_INFINITY, true));
        } finally {
            Files.deleteIfExists(file);
        }
        return rows;
    }

    private static List<String> shared(MultiLayerNetwork a, MultiLayerNetwork b) {
        List<String> names = new ArrayList<>();
        for (var e : b.paramTable().entrySet()) {
            INDArray other = a.paramTable().get(e.getKey());
            if (other != null && other.length() == e.getValue().length() && !GradientCheck.isRunningStatistic(e.getKey())) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    private static void copyShared(MultiLayerNetwork from, MultiLayerNetwork to) {
        for (String name : shared(from, to)) {
            to.paramTable().get(name).assign(from.paramTable().get(name).reshape(to.paramTable().get(name).shape()));
        }
    }

    private static double sharedParamsDiff(MultiLayerNetwork a, MultiLayerNetwork b) {
        double worst = 0;
        for (String name : shared(a, b)) {
            worst = Math.max(worst, maxAbs(a.paramTable().get(name), b.paramTable().get(name)));
        }
        return worst;
    }

    private static Map<String, INDArray> gradients(MultiLayerNetwork net, INDArray x, INDArray y, double[] loss, int slot) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        loss[slot] = net.score();
        Map<String, INDArray> out = new LinkedHashMap<>();
        net.gradient().gradientForVariable().forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    private static INDArray inputGradient(MultiLayerNetwork net, INDArray x, INDArray y) {
        return net.calculateGradients(x, y, null, null).getSecond().dup();
    }

    /** Running mean and variance per batch-norm layer, as "L_mean"/"L_var"; DL4J's log10(std) turned into a variance. */
    private static Map<String, INDArray> runningStatistics(MultiLayerNetwork net) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (var e : net.paramTable().entrySet()) {
            String k = e.getKey();
            if (k.endsWith("_mean") || k.endsWith("_var")) out.put(k, e.getValue().dup());
            if (k.endsWith("_log10stdev")) {
                INDArray std = Transforms.pow(Nd4j.valueArrayOf(e.getValue().shape(), 10.0, e.getValue().dataType()), e.getValue());
                out.put(k.replace("_log10stdev", "_var"), std.muli(std));
            }
        }
        return out;
    }

    private static double maxAbs(INDArray a, INDArray b) {
        return Transforms.abs(a.reshape(-1).sub(b.reshape(-1).castTo(a.dataType()))).maxNumber().doubleValue();
    }

}
