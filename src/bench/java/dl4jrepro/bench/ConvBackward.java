package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.bench.PeerBenchmark.PeerModel;
import dl4jrepro.speedups.ConvBackwardKernels;
import dl4jrepro.speedups.Im2colConvolution;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A convolution's backward pass ({@code conv2d_bp}: input, weight and bias gradients) through oneDNN's kernel, as ND4J's
 * helper calls it, libnd4j's own (im2col and BLAS, helpers disallowed) and this project's {@link Im2colConvolution},
 * and the forward pass through oneDNN and {@link Im2colConvolution}, at every convolution layer's shape of the
 * catalogue's CNNs (C1, C2) and batch, in turns within one process, median over the rounds. FastConvLayer's choice of
 * kernel per layer rests on these figures.
 * Writes {@code results/benchmarks/conv-backward.{md,json}}.
 *
 * <p>Run: {@code src/bench/run ConvBackward [--rounds 5]}
 */
public final class ConvBackward {
    private ConvBackward() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, ConvBackward::run);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = BenchmarkFiles.options(args, "--rounds N");
        int rounds = BenchmarkFiles.positiveInt(options, "rounds", 5);
        PeerBenchmark.Workload workload = PeerBenchmark.Workload.read(PeerBenchmark.Workload.CATALOGUE);
        List<Map<String, Object>> rows = new ArrayList<>();
        BackendInfo backend = null;
        for (PeerModel m : workload.models()) {
            if (!m.family().equals("CnnFamily")) continue;
            backend = BackendSelector.select("cpu", m.threads());
            MultiLayerConfiguration conf = PeerBenchmark.plain(m);
            int batch = new dl4jrepro.spec.Hyperparameters(m.name(), m.hyperparameters()).getInt("batch");
            InputType images = InputType.convolutional(m.shape().height(), m.shape().width(), m.shape().channels());
            List<InputType> types = conf.getLayerActivationTypes(images);
            for (int i = 0; i < conf.getConfs().size(); i++) {
                if (!(conf.getConf(i).getLayer() instanceof ConvolutionLayer c)) continue;
                InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) (i == 0 ? images : types.get(i - 1));
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) types.get(i);
                rows.add(layer(m, i, c, batch, in, out, rounds));
            }
        }
        Map<String, Object> out = BenchmarkFiles.figures("conv-backward", "a convolution's backward pass through oneDNN's "
                + "kernel and libnd4j's own, per layer shape of the catalogue's CNNs", backend == null ? null : backend.oneLine());
        out.put("rounds", rounds);
        out.put("layers", rows);
        BenchmarkFiles.write("conv-backward", out, markdown(rows, rounds, backend));
    }

    private static Map<String, Object> layer(PeerModel m, int index, ConvolutionLayer c, int batch,
                                             InputType.InputTypeConvolutional in, InputType.InputTypeConvolutional out, int rounds) {
        long ic = in.getChannels(), oc = c.getNOut(), h = in.getHeight(), w = in.getWidth();
        int kh = c.getKernelSize()[0], kw = c.getKernelSize()[1];
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        Nd4j.getRandom().setSeed(index);
        INDArray x = Nd4j.rand(DataType.FLOAT, batch, ic, h, w), weights = Nd4j.rand(DataType.FLOAT, oc, ic, kh, kw);
        INDArray bias = Nd4j.rand(DataType.FLOAT, oc), eps = Nd4j.rand(DataType.FLOAT, batch, oc, out.getHeight(), out.getWidth());
        Im2colConvolution.Geometry g = Im2colConvolution.Geometry.of(x, weights, c.getStride(), c.getPadding(),
                c.getConvolutionMode());
        INDArray gradW = Nd4j.createUninitialized(DataType.FLOAT, weights.shape()), gradB = Nd4j.createUninitialized(DataType.FLOAT, oc);
        INDArray gradX = Nd4j.createUninitialized(DataType.FLOAT, x.shape()), z = Nd4j.createUninitialized(DataType.FLOAT, g.outputShape());
        int[] args = {kh, kw, c.getStride()[0], c.getStride()[1], same ? 0 : c.getPadding()[0], same ? 0 : c.getPadding()[1],
                c.getDilation()[0], c.getDilation()[1], same ? 1 : 0, 0, 1};
        // sides: backward by oneDNN, libnd4j's own kernel, im2col; forward by oneDNN, im2col; the backward pass by im2col
        // without the input gradient, as a network's first layer runs it in training
        String[] sides = {"onednn_ms", "own_ms", "im2col_ms", "onednn_forward_ms", "im2col_forward_ms", "im2col_no_input_gradient_ms"};
        double[][] ms = new double[sides.length][rounds];
        Environment environment = Nd4j.getEnvironment();
        try {
            for (int r = -1; r < rounds; r++) {  // round -1 warms every side up
                for (int k = 0; k < sides.length; k++) {
                    int side = r < 0 ? k : (r + k) % sides.length;  // which goes first rotates by round
                    environment.allowHelpers(side != 1);
                    long t0 = System.nanoTime();
                    switch (side) {
                        case 0, 1 -> Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, weights, bias, eps)
                                .addOutputs(gradX, gradW, gradB).addIntegerArguments(args).build());
                        case 2 -> Im2colConvolution.backward(g, x, weights, eps, gradW, gradB, gradX);
                        case 3 -> Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, weights, bias).addOutputs(z)
                                .addIntegerArguments(args).build());
                        case 4 -> Im2colConvolution.forward(g, x, weights, bias, z);
                        default -> Im2colConvolution.backward(g, x, weights, eps, gradW, gradB, null);
                    }
                    if (r >= 0) ms[side][r] = (System.nanoTime() - t0) / 1e6;
                }
            }
        } finally {
            environment.allowHelpers(true);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", m.name());
        row.put("layer", index);
        row.put("shape", String.format(Locale.ROOT, "batch %d, %d→%d channels, %dx%d kernel, %dx%d → %dx%d", batch, ic, oc, kh, kw,
                h, w, out.getHeight(), out.getWidth()));
        row.put("output_map", out.getHeight() * out.getWidth());
        row.put("threads", m.threads());
        for (int k = 0; k < sides.length; k++) row.put(sides[k], Alternation.median(ms[k]));
        System.out.printf(Locale.ROOT, "%s layer %d (%s): backward oneDNN %.1f, own %.1f, im2col %.1f, im2col without the "
                + "input gradient %.1f ms; forward oneDNN %.1f, im2col %.1f ms%n", m.name(), index, row.get("shape"),
                Alternation.median(ms[0]), Alternation.median(ms[1]), Alternation.median(ms[2]), Alternation.median(ms[5]),
                Alternation.median(ms[3]), Alternation.median(ms[4]));
        return row;
    }

    private static String markdown(List<Map<String, Object>> rows, int rounds, BackendInfo backend) {
        StringBuilder md = new StringBuilder("# A convolution layer's passes: oneDNN's kernel, libnd4j's own and this project's im2col\n\n");
        md.append(String.format(Locale.ROOT, "At each convolution layer's shape and batch of the catalogue's CNNs, random data: the "
                + "backward pass (input, weight and bias gradients) through oneDNN (ND4J's helper, as DL4J's layers use it), "
                + "libnd4j's own kernel (its `conv2d_bp` with helpers disallowed: im2col through permuted views and BLAS) and "
                + "this project's `Im2colConvolution` (patches gathered in Java, three plain BLAS products); the forward pass "
                + "through oneDNN and `Im2colConvolution`. All in turns in one process, the order rotating by round, the median "
                + "of %d rounds after a warm-up. oneDNN's time at some shapes differs from one process to the next, so "
                + "`FastConvLayer` runs, per layer shape, the backward pass `ConvBackwardKernels` timed faster in its own "
                + "process (oneDNN's or `Im2colConvolution`'s); `-D%s=rule` gives the static rule instead: "
                + "`Im2colConvolution` where the output map has at most %d positions or the input at least %d channels, "
                + "oneDNN's elsewhere. Every forward pass is oneDNN's. A network's first layer, whose input gradient "
                + "training discards, runs `Im2colConvolution`'s backward pass without it (the column \"no input "
                + "gradient\"), against oneDNN's, which computes it always. Backend: %s.%n%n", rounds,
                ConvBackwardKernels.PROPERTY, ConvBackwardKernels.SMALL_MAP, ConvBackwardKernels.WIDE_INPUT,
                backend == null ? "" : backend.oneLine()));
        md.append("| model | layer | shape | threads | backward: oneDNN ms | own ms | im2col ms | oneDNN / im2col "
                + "| no input gradient: im2col ms | oneDNN / it | forward: oneDNN ms | im2col ms | oneDNN / im2col |\n"
                + "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            double bo = (double) r.get("onednn_ms"), bi = (double) r.get("im2col_ms");
            double bw = (double) r.get("im2col_no_input_gradient_ms");
            double fo = (double) r.get("onednn_forward_ms"), fi = (double) r.get("im2col_forward_ms");
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.1f | %.1f | %.1f | %.2f | %.1f | %.2f | %.1f | %.1f | %.2f |%n",
                    r.get("model"), (int) r.get("layer"), r.get("shape"), (int) r.get("threads"), bo, (double) r.get("own_ms"),
                    bi, bo / bi, bw, bo / bw, fo, fi, fo / fi));
        }
        md.append("\nRegenerate: `src/bench/run ConvBackward`\n");
        return md.toString();
    }
}
