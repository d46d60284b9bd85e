package dl4jrepro.speedups;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * A single-precision 2-D convolution's forward and backward passes (NCHW, no dilation) through javacpp's oneDNN presets
 * (org.bytedeco:dnnl 2.5.2, or a system's newer libdnnl.so.2: {@link #version}), which load beside the oneDNN 2.3 that
 * ND4J 1.0.0-M2.1 links into its own library.
 *
 * <p>Why: on the small maps of the VGG net of C2 (8×8 and less), oneDNN 2.3 as ND4J calls it picks kernels far slower
 * than its direct ones, and {@link Im2colConvolution}'s products, though faster there, trail the direct kernels the
 * PyTorch twin's oneDNN runs (results/benchmarks/conv-backward.md, per layer, with PyTorch's own layer beside). oneDNN
 * 2.5 has those direct AVX-512 kernels; ND4J's copy cannot be replaced (it is linked in), so this calls a second one.
 *
 * <p>How: per layer shape and thread, the primitives (forward descriptor as the hint, backward-weights and
 * backward-data) and their memories are made once, with the layout each kernel prefers; a call points plain NCHW/OIHW
 * memories at the ND4J arrays (views too, such as DL4J's gradients inside one flat array, by their address) and
 * reorders in and out where a kernel prefers another layout, as PyTorch does.
 */
public final class DnnlConvolution {
    private DnnlConvolution() {}

    /** The CPU engine, made when first needed: loading the library is what can fail (a platform without its build). */
    private static final class Cpu {
        static final engine ENGINE = new engine(engine.kind.cpu, 0);
    }

    private static volatile Boolean available;

    /**
     * Whether javacpp's oneDNN loads here; where it does not (a platform javacpp has no build of), the rule's layers
     * keep {@link Im2colConvolution} ({@link ConvBackwardKernels#byRule}).
     */
    public static boolean available() {
        if (available == null) {
            try {
                available = Cpu.ENGINE != null;
            } catch (LinkageError | RuntimeException e) {  // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
                available = false;
            }
        }
        return available;
    }

    /**
     * The oneDNN that runs, as it reports itself: javacpp loads a system's libdnnl.so.2 before its own 2.5.2 when the
     * system has one (the newer OpenBLAS is loaded with system paths first, BlasLibrary), so the version is a machine's.
     */
    public static String version() {
        dnnl_version_t v = dnnl_version();
        return v.major() + "." + v.minor() + "." + v.patch();
    }

    /** One shape's primitives and memories on one thread. */
    private static final class Pass {
        final stream stream = new stream(Cpu.ENGINE);
        final memory userX, userW, userDelta, userDx, userGradW, userGradB;
        final memory x, delta, deltaForData, w, dx, gradW;
        final primitive weightsPass, dataPass;
        /** null where the primitive takes the plain layout itself. */
        final reorder inX, inDelta, outGradW, inW, inDeltaForData, outDx;
        /** The primitives' arguments: the same memories every call, only their data handles move. */
        final IntMemoryMap weightsArgs = new IntMemoryMap(), dataArgs;

        Pass(Im2colConvolution.Geometry g, boolean bias, boolean inputGradient) {
            Dims d = new Dims(g);
            convolution_forward.primitive_desc hint = new convolution_forward.primitive_desc(d.forward(true), Cpu.ENGINE);
            convolution_backward_weights.desc wd = bias
                    ? new convolution_backward_weights.desc(algorithm.convolution_direct, d.anyIn, d.anyW, d.bias, d.anyOut, d.strides, d.padL, d.padR)
                    : new convolution_backward_weights.desc(algorithm.convolution_direct, d.anyIn, d.anyW, d.anyOut, d.strides, d.padL, d.padR);
            convolution_backward_weights.primitive_desc wpd = new convolution_backward_weights.primitive_desc(wd, Cpu.ENGINE, hint);
            weightsPass = new convolution_backward_weights(wpd);
            userX = d.plain(d.in);
            userDelta = d.plain(d.out);
            userGradW = d.plain(d.kernel);
            userGradB = bias ? new memory(d.bias, Cpu.ENGINE, null) : null;
            x = inLayout(userX, wpd.src_desc());
            delta = inLayout(userDelta, wpd.diff_dst_desc());
            gradW = inLayout(userGradW, wpd.diff_weights_desc());
            inX = reorderOf(userX, x);
            inDelta = reorderOf(userDelta, delta);
            outGradW = reorderOf(gradW, userGradW);
            weightsArgs.put(DNNL_ARG_SRC, x);
            weightsArgs.put(DNNL_ARG_DIFF_DST, delta);
            weightsArgs.put(DNNL_ARG_DIFF_WEIGHTS, gradW);
            if (bias) weightsArgs.put(DNNL_ARG_DIFF_BIAS, userGradB);
            if (inputGradient) {
                convolution_backward_data.primitive_desc dpd = new convolution_backward_data.primitive_desc(
                        new convolution_backward_data.desc(algorithm.convolution_direct, d.anyIn, d.anyW, d.anyOut, d.strides, d.padL, d.padR),
                        Cpu.ENGINE, hint);
                dataPass = new convolution_backward_data(dpd);
                userW = d.plain(d.kernel);
                userDx = d.plain(d.in);
                w = inLayout(userW, dpd.weights_desc());
                dx = inLayout(userDx, dpd.diff_src_desc());
                deltaForData = dpd.diff_dst_desc().equals(wpd.diff_dst_desc()) ? delta : inLayout(userDelta, dpd.diff_dst_desc());
                inW = reorderOf(userW, w);
                inDeltaForData = deltaForData == delta ? null : reorderOf(userDelta, deltaForData);
                outDx = reorderOf(dx, userDx);
                dataArgs = new IntMemoryMap();
                dataArgs.put(DNNL_ARG_DIFF_DST, deltaForData);
                dataArgs.put(DNNL_ARG_WEIGHTS, w);
                dataArgs.put(DNNL_ARG_DIFF_SRC, dx);
            } else {
                dataPass = null;
                userW = userDx = w = dx = deltaForData = null;
                inW = inDeltaForData = outDx = null;
                dataArgs = null;
            }
        }
    }

    /** A geometry's dimensions and descriptors as oneDNN takes them. */
    private static final class Dims {
        final long[] in, out, kernel, strides, padL, padR;
        final memory.desc anyIn, anyOut, anyW, bias;

        Dims(Im2colConvolution.Geometry g) {
            in = new long[] {g.n(), g.c(), g.h(), g.w()};
            out = new long[] {g.n(), g.co(), g.oh(), g.ow()};
            kernel = new long[] {g.co(), g.c(), g.kh(), g.kw()};
            strides = new long[] {g.sy(), g.sx()};
            padL = new long[] {g.py(), g.px()};
            // the far side's padding: what makes the output size come out as DL4J's (Same mode may pad unevenly)
            padR = new long[] {(long) (g.oh() - 1) * g.sy() + g.kh() - g.py() - g.h(), (long) (g.ow() - 1) * g.sx() + g.kw() - g.px() - g.w()};
            anyIn = desc(in, memory.format_tag.any);
            anyOut = desc(out, memory.format_tag.any);
            anyW = desc(kernel, memory.format_tag.any);
            bias = desc(new long[] {g.co()}, memory.format_tag.x);
        }

        /** A memory of {@code dims} in the plain layout (NCHW; OIHW for the kernel), pointed at an array per call. */
        memory plain(long[] dims) {
            return new memory(desc(dims, dims == kernel ? memory.format_tag.oihw : memory.format_tag.nchw), Cpu.ENGINE, null);
        }

        /** The forward convolution, with or without the bias. */
        convolution_forward.desc forward(boolean withBias) {
            return withBias
                    ? new convolution_forward.desc(prop_kind.forward_training, algorithm.convolution_direct, anyIn, anyW, bias, anyOut, strides, padL, padR)
                    : new convolution_forward.desc(prop_kind.forward_training, algorithm.convolution_direct, anyIn, anyW, anyOut, strides, padL, padR);
        }
    }

    /** One shape's forward primitive and memories on one thread. */
    private static final class Forward {
        final stream stream = new stream(Cpu.ENGINE);
        final memory userX, userW, userB, userZ, x, w, z;
        /** null where the primitive takes the plain layout itself. */
        final reorder inX, inW, outZ;
        final primitive pass;
        final IntMemoryMap args = new IntMemoryMap();

        Forward(Im2colConvolution.Geometry g, boolean bias) {
            Dims d = new Dims(g);
            convolution_forward.primitive_desc pd = new convolution_forward.primitive_desc(d.forward(bias), Cpu.ENGINE);
            pass = new convolution_forward(pd);
            userX = d.plain(d.in);
            userW = d.plain(d.kernel);
            userZ = d.plain(d.out);
            userB = bias ? new memory(d.bias, Cpu.ENGINE, null) : null;
            x = inLayout(userX, pd.src_desc());
            w = inLayout(userW, pd.weights_desc());
            z = inLayout(userZ, pd.dst_desc());
            inX = reorderOf(userX, x);
            inW = reorderOf(userW, w);
            outZ = reorderOf(z, userZ);
            args.put(DNNL_ARG_SRC, x);
            args.put(DNNL_ARG_WEIGHTS, w);
            if (bias) args.put(DNNL_ARG_BIAS, userB);
            args.put(DNNL_ARG_DST, z);
        }
    }

    /** {@code user} itself when the primitive wants its plain layout, else a memory of the layout it wants. */
    private static memory inLayout(memory user, memory.desc wanted) {
        return user.get_desc().equals(wanted) ? user : new memory(wanted, Cpu.ENGINE);
    }

    private record Key(Im2colConvolution.Geometry g, boolean bias, boolean inputGradient) {}

    private static final ThreadLocal<Map<Key, Pass>> PASSES = ThreadLocal.withInitial(HashMap::new);
    private static final ThreadLocal<Map<Key, Forward>> FORWARDS = ThreadLocal.withInitial(HashMap::new);

    /**
     * The convolution z = x ⊛ weights + bias: x [n, c, h, w], weights [co, c, kh, kw], bias [co] or [1, co] (null: none),
     * z C order [n, co, oh, ow], one block (as made by the caller). The same numbers as {@link Im2colConvolution#forward}
     * up to float rounding.
     */
    public static void forward(Im2colConvolution.Geometry g, INDArray x, INDArray weights, INDArray bias, INDArray z) {
        if (!accepts(z)) throw new IllegalArgumentException("z must be one C-order float block: " + z.shapeInfoToString());
        Forward f = FORWARDS.get().computeIfAbsent(new Key(g, bias != null, false), k -> new Forward(k.g(), k.bias()));
        INDArray xs = dense(x), ws = dense(weights), bs = bias == null ? null : dense(bias);
        f.userX.set_data_handle(address(xs));
        f.userW.set_data_handle(address(ws));
        f.userZ.set_data_handle(address(z));
        if (bs != null) f.userB.set_data_handle(address(bs));
        if (f.inX != null) f.inX.execute(f.stream, f.userX, f.x);
        if (f.inW != null) f.inW.execute(f.stream, f.userW, f.w);
        f.pass.execute(f.stream, f.args);
        if (f.outZ != null) f.outZ.execute(f.stream, f.z, f.userZ);
        f.stream._wait();
    }

    /**
     * The gradients, given delta (the loss's gradient with respect to z, [n, co, oh, ow]): weights' into gradW
     * ([co, c, kh, kw], C order, may be a view), bias's into gradB (null: no bias), the input's into epsilon (C order
     * [n, c, h, w]; null: not wanted). The same contract as {@link Im2colConvolution#backward}.
     */
    public static void backward(Im2colConvolution.Geometry g, INDArray x, INDArray weights, INDArray delta, INDArray gradW,
                                INDArray gradB, INDArray epsilon) {
        Pass p = PASSES.get().computeIfAbsent(new Key(g, gradB != null, epsilon != null), k -> new Pass(k.g(), k.bias(), k.inputGradient()));
        // outputs that are not one C-order block go to arrays of their own first
        INDArray xs = dense(x), ds = dense(delta), gw = writable(gradW), gb = gradB == null ? null : writable(gradB);
        INDArray dxs = epsilon == null ? null : writable(epsilon);
        p.userX.set_data_handle(address(xs));
        p.userDelta.set_data_handle(address(ds));
        p.userGradW.set_data_handle(address(gw));
        if (gb != null) p.userGradB.set_data_handle(address(gb));
        if (p.inX != null) p.inX.execute(p.stream, p.userX, p.x);
        if (p.inDelta != null) p.inDelta.execute(p.stream, p.userDelta, p.delta);
        p.weightsPass.execute(p.stream, p.weightsArgs);
        if (p.outGradW != null) p.outGradW.execute(p.stream, p.gradW, p.userGradW);
        if (epsilon != null) {
            INDArray ws = dense(weights);
            p.userW.set_data_handle(address(ws));
            p.userDx.set_data_handle(address(dxs));
            if (p.inW != null) p.inW.execute(p.stream, p.userW, p.w);
            if (p.inDeltaForData != null) p.inDeltaForData.execute(p.stream, p.userDelta, p.deltaForData);
            p.dataPass.execute(p.stream, p.dataArgs);
            if (p.outDx != null) p.outDx.execute(p.stream, p.dx, p.userDx);
        }
        p.stream._wait();
        if (gw != gradW) gradW.assign(gw);
        if (gb != gradB) gradB.assign(gb);
        if (dxs != epsilon) epsilon.assign(dxs);
    }

    /** {@code a} when oneDNN can write into it, else a C-order array of its shape to copy from. */
    private static INDArray writable(INDArray a) {
        return accepts(a) ? a : Nd4j.createUninitialized(DataType.FLOAT, a.shape());
    }

    /** Whether oneDNN can read or write {@code a} through its address: a float array that is one C-order block. */
    private static boolean accepts(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && Shape.isContiguousInBuffer(a);
    }

    /** Where {@code a}'s first value is: a view's buffer is itself a view, whose address is the view's start. */
    private static Pointer address(INDArray a) {
        return a.data().addressPointer();
    }

    /** The reorder from src's layout to dst's, run on whichever memories a call gives; null when they are one memory. */
    private static reorder reorderOf(memory src, memory dst) {
        return src == dst ? null : new reorder(src, dst, new primitive_attr());
    }

    /** The array itself when its values are one C-order float block, else such a copy. */
    private static INDArray dense(INDArray a) {
        return accepts(a) ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    private static memory.desc desc(long[] dims, memory.format_tag tag) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }
}
