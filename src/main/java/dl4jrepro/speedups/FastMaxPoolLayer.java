package dl4jrepro.speedups;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * DL4J's pooling layer with 2×2 max pooling at stride 2 (single precision, NCHW, even height and width: every input
 * cell in exactly one window) computed in plain Java loops; every other case runs DL4J's own code.
 *
 * <p>Why: in the MNIST CNN's training step (batch 128, 2 threads) a JFR profile put 28 % of the time in pooling: 18 %
 * in oneDNN's max-pool backward and 10 % in libnd4j's forward, for what is one pass over 4.8M floats each way. The
 * loops give the same numbers: forward, each window's maximum; backward, each window's gradient to the first cell
 * (row by row) holding its maximum, zero to the other three. Which cell of a tie gets it is not checked against
 * DL4J's: after ReLU, where ties are zeros, the ReLU below discards that gradient either way (FastMaxPoolTest).
 */
public class FastMaxPoolLayer extends SubsamplingLayer {
    private long loopPasses;

    public FastMaxPoolLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!ours()) return super.activate(training, workspaceMgr);
        long n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {n, c, h / 2, w / 2}, 'c');
        // Bulk copies in and out of ND4J's memory, the loops on this thread's scratch arrays.
        float[] inputs = JavaArrays.read(input, JavaArrays.scratch(JavaArrays.INPUT, input.length()));
        float[] outputs = JavaArrays.scratch(JavaArrays.OUTPUT, out.length());
        pool(inputs, outputs, (int) (n * c), (int) h, (int) w);
        JavaArrays.write(outputs, out);
        loopPasses++;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        if (!ours() || epsilon.dataType() != DataType.FLOAT) return super.backpropGradient(epsilon, workspaceMgr);
        long n = input.size(0), c = input.size(1), h = input.size(2), w = input.size(3);
        INDArray epsAtInput = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        float[] inputs = JavaArrays.read(input, JavaArrays.scratch(JavaArrays.INPUT, input.length()));
        float[] outputs = JavaArrays.read(epsilon, JavaArrays.scratch(JavaArrays.OUTPUT, epsilon.length()));
        float[] gradients = JavaArrays.scratch(JavaArrays.INPUT_GRADIENT, epsAtInput.length());
        route(inputs, outputs, gradients, (int) (n * c), (int) h, (int) w);
        JavaArrays.write(gradients, epsAtInput);
        loopPasses++;
        return new Pair<>(new DefaultGradient(), epsAtInput);
    }

    /** Forward and backward passes the loops computed (the rest went to DL4J's code). */
    public long loopPasses() {
        return loopPasses;
    }

    /** The case the loops compute; Same and Truncate modes agree on it (no padding). */
    private boolean ours() {
        var conf = layerConf();
        return input != null && input.rank() == 4 && input.dataType() == DataType.FLOAT
                && conf.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && conf.getPoolingType() == PoolingType.MAX
                && Arrays.equals(conf.getKernelSize(), new int[] {2, 2}) && Arrays.equals(conf.getStride(), new int[] {2, 2})
                && Arrays.equals(conf.getPadding(), new int[] {0, 0}) && Arrays.equals(conf.getDilation(), new int[] {1, 1})
                && input.size(2) % 2 == 0 && input.size(3) % 2 == 0;
    }

    /** out[p][i][j] = max of the 2×2 window at (2i, 2j) of plane p. */
    private static void pool(float[] in, float[] out, int planes, int h, int w) {
        ParallelLoops.forRange(planes, (first, end) -> pool(in, out, first, end, h, w));
    }

    private static void pool(float[] in, float[] out, int first, int end, int h, int w) {
        int oh = h / 2, ow = w / 2;
        for (int p = first; p < end; p++) {
            for (int i = 0; i < oh; i++) {
                int top = p * h * w + 2 * i * w, o = (p * oh + i) * ow;
                for (int j = 0; j < ow; j++) {
                    int a = top + 2 * j;
                    out[o + j] = Math.max(Math.max(in[a], in[a + 1]), Math.max(in[a + w], in[a + w + 1]));
                }
            }
        }
    }

    /**
     * Each window's gradient to the first cell (row by row) equal to its maximum, zero to the rest. Branch-free: the
     * cell is picked by bit masks, since after ReLU which cell wins is a coin toss the branch predictor keeps losing
     * (this ran 2–3× as fast as compare-and-branch on the CNN's 128×64×20×20 input). A window holding NaN sends its
     * gradient to its last cell; training has diverged by then anyway.
     */
    private static void route(float[] in, float[] eps, float[] grad, int planes, int h, int w) {
        ParallelLoops.forRange(planes, (first, end) -> route(in, eps, grad, first, end, h, w));
    }

    private static void route(float[] in, float[] eps, float[] grad, int first, int end, int h, int w) {
        int oh = h / 2, ow = w / 2;
        for (int p = first; p < end; p++) {
            for (int i = 0; i < oh; i++) {
                int top = p * h * w + 2 * i * w, o = (p * oh + i) * ow;
                for (int j = 0; j < ow; j++) {
                    int a = top + 2 * j, c = a + w;
                    float va = in[a], vb = in[a + 1], vc = in[c], vd = in[c + 1];
                    float max = Math.max(Math.max(va, vb), Math.max(vc, vd));
                    int e = Float.floatToRawIntBits(eps[o + j]);
                    int ka = va == max ? -1 : 0;
                    int kb = ~ka & (vb == max ? -1 : 0);
                    int kc = ~(ka | kb) & (vc == max ? -1 : 0);
                    int kd = ~(ka | kb | kc);
                    grad[a] = Float.intBitsToFloat(e & ka);
                    grad[a + 1] = Float.intBitsToFloat(e & kb);
                    grad[c] = Float.intBitsToFloat(e & kc);
                    grad[c + 1] = Float.intBitsToFloat(e & kd);
                }
            }
        }
    }
}
