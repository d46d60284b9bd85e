package dl4jrepro.bench;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.bench.PeerBenchmark.PeerModel;
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
 * helper calls it, against libnd4j's own (im2col and BLAS, helpers disallowed), at every convolution layer's shape of
 * the catalogue's CNNs (C1, C2) and batch, in turns within one process, median over the rounds. FastConvLayer runs the
 * own kernel on small maps; this is the measurement behind that choice.
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
        double[][] ms = new double[2][rounds];
        Environment environment = Nd4j.getEnvironment();
        try {
            for (int r = -1; r < rounds; r++) {  // round -1 warms both up
                for (int k = 0; k < 2; k++) {
                    int side = r < 0 ? k : (r + k) % 2;  // 0 oneDNN, 1 own; which goes first alternates by round
                    environment.allowHelpers(side == 0);
                    DynamicCustomOp op = DynamicCustomOp.builder("conv2d_bp").addInputs(x, weights, bias, eps)
                            .addOutputs(Nd4j.createUninitialized(DataType.FLOAT, x.shape()),
                                    Nd4j.createUninitialized(DataType.FLOAT, weights.shape()), Nd4j.createUninitialized(DataType.FLOAT, oc))
                            .addIntegerArguments(kh, kw, c.getStride()[0], c.getStride()[1], same ? 0 : c.getPadding()[0],
                                    same ? 0 : c.getPadding()[1], c.getDilation()[0], c.getDilation()[1], same ? 1 : 0, 0, 1)
                            .build();
                    long t0 = System.nanoTime();
                    Nd4j.exec(op);
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
        row.put("onednn_ms", Alternation.median(ms[0]));
        row.put("own_ms", Alternation.median(ms[1]));
        row.put("onednn_over_own", Alternation.median(ms[0]) / Alternation.median(ms[1]));
        System.out.printf(Locale.ROOT, "%s layer %d (%s): oneDNN %.1f ms, own %.1f ms%n", m.name(), index, row.get("shape"),
                Alternation.median(ms[0]), Alternation.median(ms[1]));
        return row;
    }

    private static String markdown(List<Map<String, Object>> rows, int rounds, BackendInfo backend) {
        StringBuilder md = new StringBuilder("# A convolution's backward pass: oneDNN's kernel against libnd4j's own\n\n");
        md.append(String.format(Locale.ROOT, "`conv2d_bp` (input, weight and bias gradients) at each convolution layer's shape "
                + "and batch of the catalogue's CNNs, random data, through oneDNN (ND4J's helper, as DL4J's layers use it) and "
                + "through libnd4j's own kernel (im2col and BLAS, helpers disallowed), in turns in one process, the median of %d "
                + "rounds after a warm-up. FastConvLayer runs the own kernel where the output map has at most %d positions. "
                + "Backend: %s.%n%n", rounds, dl4jrepro.speedups.FastConvLayer.SMALL_MAP, backend == null ? "" : backend.oneLine()));
        md.append("| model | layer | shape | threads | oneDNN ms | own ms | oneDNN / own |\n|---|---:|---|---:|---:|---:|---:|\n");
        for (Map<String, Object> r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.1f | %.1f | %.2f |%n", r.get("model"), (int) r.get("layer"),
                    r.get("shape"), (int) r.get("threads"), (double) r.get("onednn_ms"), (double) r.get("own_ms"),
                    (double) r.get("onednn_over_own")));
        }
        md.append("\nRegenerate: `src/bench/run ConvBackward`\n");
        return md.toString();
    }
}
