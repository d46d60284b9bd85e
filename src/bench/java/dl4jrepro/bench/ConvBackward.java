package dl4jrepro.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.bench.PeerBenchmark.PeerModel;
import dl4jrepro.speedups.ConvBackwardKernels;
import dl4jrepro.speedups.DnnlConvolution;
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
 * catalogue's CNNs (C1, C2) and batch, in turns within one process, median over the rounds; beside them the PyTorch
 * twin's own layer at that shape (its oneDNN), in a process of its own before and after DL4J's, so that a gap in the
 * peer benchmark can be placed layer by layer. FastConvLayer's choice of kernel per layer rests on these figures.
 * Writes {@code results/benchmarks/conv-backward.{md,json}}.
 *
 * <p>Run: {@code src/bench/peer-benchmark.sh ConvBackward [--rounds 5] [--threads N]} (the script installs the peer's PyTorch when
 * missing; {@code --peer PATH} as for the peer benchmark).
 */
public final class ConvBackward {
    private ConvBackward() {}

    public static void main(String[] args) throws Exception {
        BenchmarkFiles.main(args, ConvBackward::run);
    }

    private static void run(String[] args) throws Exception {
        Map<String, String> options = BenchmarkFiles.options(args, "--rounds N, --peer PATH, --threads N");
        int rounds = BenchmarkFiles.positiveInt(options, "rounds", 5);
        // Each model's own threads by default; --threads N runs every model's layers at N on both sides (the trials of a
        // search run one thread each) and writes conv-backward-threads-N.
        int threads = options.containsKey("threads") ? BenchmarkFiles.positiveInt(options, "threads", 1) : 0;
        String name = threads == 0 ? "conv-backward" : "conv-backward-threads-" + threads;
        PeerBenchmark.Workload workload = PeerBenchmark.Workload.read(PeerBenchmark.Workload.CATALOGUE);
        PeerBenchmark.Sides sides = new PeerBenchmark.Sides(PeerBenchmark.peerScript(options), PeerBenchmark.Workload.CATALOGUE,
                "auto", 1);
        List<Map<String, Object>> rows = new ArrayList<>();
        BackendInfo backend = null;
        for (PeerModel listed : workload.models()) {
            if (!listed.family().equals("CnnFamily")) continue;
            PeerModel m = threads == 0 ? listed : listed.withThreads(threads);
            backend = BackendSelector.select("cpu", m.threads());
            MultiLayerConfiguration conf = PeerBenchmark.plain(m);
            int batch = new dl4jrepro.spec.Hyperparameters(m.name(), m.hyperparameters()).getInt("batch");
            InputType images = InputType.convolutional(m.shape().height(), m.shape().width(), m.shape().channels());
            List<InputType> types = conf.getLayerActivationTypes(images);
            PeerBenchmark.checkTwin(m, conf, sides.peer());
            JsonNode torchBefore = sides.torchConvLayers(m, rounds).get("layers");
            List<Map<String, Object>> modelRows = new ArrayList<>();
            for (int i = 0; i < conf.getConfs().size(); i++) {
                if (!(conf.getConf(i).getLayer() instanceof ConvolutionLayer c)) continue;
                InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) (i == 0 ? images : types.get(i - 1));
                InputType.InputTypeConvolutional out = (InputType.InputTypeConvolutional) types.get(i);
                modelRows.add(layer(m, i, c, batch, in, out, rounds));
            }
            JsonNode torchAfter = sides.torchConvLayers(m, rounds).get("layers");
            addPeer(m, modelRows, torchBefore, torchAfter);
            rows.addAll(modelRows);
        }
        Map<String, Object> out = BenchmarkFiles.figures(name, "a convolution's backward pass through oneDNN's "
                + "kernel and libnd4j's own, per layer shape of the catalogue's CNNs", backend == null ? null : backend.oneLine());
        out.put("rounds", rounds);
        out.put("layers", rows);
        BenchmarkFiles.write(name, out, markdown(rows, rounds, backend,
                "src/bench/peer-benchmark.sh ConvBackward" + (threads == 0 ? "" : " --threads " + threads)));
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
        // without the input gradient, as a network's first layer runs it in training; then javacpp's oneDNN's passes
        String[] sides = {"onednn_ms", "own_ms", "im2col_ms", "onednn_forward_ms", "im2col_forward_ms", "im2col_no_input_gradient_ms",
                "dnnl_ms", "dnnl_no_input_gradient_ms", "dnnl_forward_ms"};
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
                        case 5 -> Im2colConvolution.backward(g, x, weights, eps, gradW, gradB, null);
                        case 6 -> DnnlConvolution.backward(g, x, weights, eps, gradW, gradB, gradX);
                        case 7 -> DnnlConvolution.backward(g, x, weights, eps, gradW, gradB, null);
                        default -> DnnlConvolution.forward(g, x, weights, bias, z);
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
        row.put("in_channels", ic);
        row.put("out_channels", oc);
        ConvBackwardKernels.Kernel rule = ConvBackwardKernels.byRule(new ConvBackwardKernels.Shape(g, index != 0));
        row.put("rule_kernel", rule.label());
        row.put("rule_backward_ms", Alternation.median(ms[switch (rule) {
            case DL4J -> 0;
            case IM2COL -> index == 0 ? 5 : 2;
            case DNNL -> index == 0 ? 7 : 6;
        }]));
        row.put("threads", m.threads());
        for (int k = 0; k < sides.length; k++) row.put(sides[k], Alternation.median(ms[k]));
        System.out.printf(Locale.ROOT, "%s layer %d (%s): backward oneDNN %.1f, own %.1f, im2col %.1f, javacpp's oneDNN %.1f; without "
                + "the input gradient im2col %.1f, javacpp's oneDNN %.1f ms; forward oneDNN %.1f, im2col %.1f ms%n", m.name(), index,
                row.get("shape"), Alternation.median(ms[0]), Alternation.median(ms[1]), Alternation.median(ms[2]),
                Alternation.median(ms[6]), Alternation.median(ms[5]), Alternation.median(ms[7]), Alternation.median(ms[3]),
                Alternation.median(ms[4]));
        return row;
    }

    /**
     * The twin's figures beside DL4J's, its k-th convolution beside the k-th here (the twin check matched their shapes;
     * the channels are checked again): the mean of its two processes' medians.
     */
    private static void addPeer(PeerModel m, List<Map<String, Object>> rows, JsonNode before, JsonNode after) {
        if (before.size() != rows.size() || after.size() != rows.size()) {
            throw new IllegalStateException(m.name() + ": the PyTorch twin has " + before.size() + " convolutions, DL4J's model " + rows.size());
        }
        for (int k = 0; k < rows.size(); k++) {
            Map<String, Object> row = rows.get(k);
            JsonNode b = before.get(k), a = after.get(k);
            if (b.get("out_channels").asLong() != (long) row.get("out_channels") || b.get("in_channels").asLong() != (long) row.get("in_channels")) {
                throw new IllegalStateException(m.name() + ": convolution " + k + " differs between the two sides");
            }
            row.put("pytorch_forward_ms", (b.get("forward_ms").asDouble() + a.get("forward_ms").asDouble()) / 2);
            row.put("pytorch_backward_ms", (b.get("backward_ms").asDouble() + a.get("backward_ms").asDouble()) / 2);
            row.put("pytorch_backward_input_gradient", b.get("input_gradient").asBoolean());
        }
    }

    /** The forward pass's kernel in FastConvLayer: javacpp's oneDNN where it loads, else DL4J's. */
    private static String forwardKernel() {
        return DnnlConvolution.available() ? "oneDNN " + DnnlConvolution.version() : "oneDNN 2.3";
    }

    private static String markdown(List<Map<String, Object>> rows, int rounds, BackendInfo backend, String command) {
        StringBuilder md = new StringBuilder("# A convolution layer's passes: ND4J's oneDNN, libnd4j's own, this project's im2col, javacpp's oneDNN and PyTorch's\n\n");
        md.append(String.format(Locale.ROOT, "At each convolution layer's shape and batch of the catalogue's CNNs, random data: the "
                + "backward pass (input, weight and bias gradients) through oneDNN 2.3 (linked into ND4J; its helper, as DL4J's "
                + "layers use it), libnd4j's own kernel (its `conv2d_bp` with helpers disallowed: im2col through permuted views "
                + "and BLAS), this project's `Im2colConvolution` (patches gathered in Java, three plain BLAS products) and "
                + "`DnnlConvolution` (javacpp's oneDNN, here " + DnnlConvolution.version() + ", loaded beside ND4J's: its "
                + "direct kernels, with reorders in and out); the forward pass through oneDNN 2.3, `Im2colConvolution` and `DnnlConvolution`. All in turns in one process, the order "
                + "rotating by round, the median of %d rounds after a warm-up. `FastConvLayer` runs by default the static rule "
                + "(`ConvBackwardKernels`): oneDNN 2.3 for 3x3 stride-1 layers that "
                + "compute the input gradient on maps of more than %d positions from fewer than %d channels, javacpp's "
                + "oneDNN for every other layer, a network's first among them, whose input gradient training discards (the "
                + "columns \"no input gradient\": oneDNN 2.3 computes it always) "
                + "(`-D%s=timed` times the three per layer shape in each process instead); the forward pass (the activation's "
                + "input: the backward pass's own stays DL4J's) is javacpp's oneDNN where it loads. PyTorch: the twin's own layer (torch_peer.py --conv-layers: its oneDNN, at the same "
                + "threads), forward and autograd's backward pass (the first layer's without the input gradient, as in "
                + "training), the same rounds, in a process of its own before DL4J's and another after: the mean of the two "
                + "medians. oneDNN's time at some shapes differs from one process to the next: compare runs before moving the "
                + "rule. Backend: %s.%n%n", rounds, ConvBackwardKernels.SMALL_MAP, ConvBackwardKernels.WIDE_INPUT,
                ConvBackwardKernels.PROPERTY, backend == null ? "" : backend.oneLine()));
        md.append("| model | layer | shape | threads | backward: oneDNN 2.3 ms | own ms | im2col ms | javacpp's oneDNN ms "
                + "| no input gradient: im2col ms | javacpp's oneDNN ms | the rule's kernel | its ms | PyTorch ms | rule / PyTorch "
                + "| forward: oneDNN 2.3 ms | im2col ms | javacpp's oneDNN ms | PyTorch ms | javacpp's oneDNN / PyTorch |\n"
                + "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, double[]> totals = new LinkedHashMap<>();  // per model: rule, PyTorch backward; oneDNN, PyTorch forward
        for (Map<String, Object> r : rows) {
            double bo = (double) r.get("onednn_ms"), bi = (double) r.get("im2col_ms");
            double bw = (double) r.get("im2col_no_input_gradient_ms");
            double fo = (double) r.get("onednn_forward_ms"), fi = (double) r.get("im2col_forward_ms"), fd = (double) r.get("dnnl_forward_ms");
            double rb = (double) r.get("rule_backward_ms"), pb = (double) r.get("pytorch_backward_ms"), pf = (double) r.get("pytorch_forward_ms");
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s | %.1f | %.1f | %.2f "
                            + "| %.1f | %.1f | %.1f | %.1f | %.2f |%n",
                    r.get("model"), (int) r.get("layer"), r.get("shape"), (int) r.get("threads"), bo, (double) r.get("own_ms"),
                    bi, (double) r.get("dnnl_ms"), bw, (double) r.get("dnnl_no_input_gradient_ms"), r.get("rule_kernel"), rb, pb,
                    rb / pb, fo, fi, fd, pf, fd / pf));
            double[] t = totals.computeIfAbsent((String) r.get("model"), k -> new double[4]);
            t[0] += rb;
            t[1] += pb;
            t[2] += DnnlConvolution.available() ? fd : fo;
            t[3] += pf;
        }
        md.append("\nPer model, summed over its convolution layers (one minibatch), DL4J as it trains by default against PyTorch:\n\n"
                + "| model | backward: the rule's ms | PyTorch ms | ratio | forward: " + forwardKernel() + " ms | PyTorch ms | ratio |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        totals.forEach((model, t) -> md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |%n",
                model, t[0], t[1], t[0] / t[1], t[2], t[3], t[2] / t[3])));
        md.append("\nRegenerate: `" + command + "`\n");
        return md.toString();
    }
}
