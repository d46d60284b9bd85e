package dl4jrepro.speedups;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.OneDnn;
import dl4jrepro.base.Substitution;
import dl4jrepro.families.TorchAdadelta;
import dl4jrepro.train.TrainingStep;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.schedule.FixedSchedule;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The one place where this project's faster code meets a network. A model family builds the plain DL4J configuration a
 * DL4J user would write; {@link #prepare} turns it into the network to train, swapping in, where the user's
 * {@link SpeedupSetting} allows and the backend is the CPU, implementations that compute the same numbers faster
 * (each proven equal to DL4J's by its test), and says what it swapped. On any other backend it swaps nothing: these
 * classes read ND4J's host buffers directly, which a GPU's arrays do not have.
 */
public final class Speedups {
    private Speedups() {}

    /**
     * The network to train and how.
     *
     * @param net           the network, initialised, with the substitutions in place
     * @param step          one training update on one minibatch
     * @param substitutions what was swapped in, in order of {@link SpeedupSetting.Kind}; empty for DL4J's own code
     *                      throughout
     * @param plain         the configuration as the family built it, untouched
     */
    public record Prepared(MultiLayerNetwork net, TrainingStep step, List<Substitution> substitutions,
                           MultiLayerConfiguration plain) {
        /** The trained parameters in a network of the plain configuration: a model any DL4J user can load. */
        public MultiLayerNetwork plainNetwork() {
            MultiLayerNetwork plainNet = new MultiLayerNetwork(plain.clone());
            plainNet.init(net.params().dup(), false);
            return plainNet;
        }

        /**
         * What each convolution layer's last backward pass ran, by layer index, and how it was chosen
         * ({@link ConvBackwardKernels}); empty when no layer is a {@link FastConvLayer} or none has run backward.
         */
        public Map<String, String> convBackwardKernels() {
            return perConvLayer(conv -> conv.backwardChoice() == null ? null : conv.backwardChoice().describe());
        }

        /** What each convolution layer's last forward pass ran, by layer index; empty as above. */
        public Map<String, String> convForwardKernels() {
            return perConvLayer(FastConvLayer::forwardKernel);
        }

        private Map<String, String> perConvLayer(java.util.function.Function<FastConvLayer, String> what) {
            Map<String, String> kernels = new TreeMap<>(Comparator.comparingInt(Integer::parseInt));
            for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
                String kernel = layer instanceof FastConvLayer conv ? what.apply(conv) : null;
                if (kernel != null) kernels.put(String.valueOf(layer.getIndex()), kernel);
            }
            return kernels;
        }
    }

    /** For training: a network's first layer skips its input gradient, which nothing reads. */
    public static Prepared prepare(MultiLayerConfiguration plain, BackendInfo backend, SpeedupSetting setting) {
        return prepare(plain, backend, setting, false);
    }

    /** For code that reads the gradient with respect to the network's input (gradient checks): every layer keeps it. */
    public static Prepared prepareKeepingInputGradients(MultiLayerConfiguration plain, BackendInfo backend,
                                                        SpeedupSetting setting) {
        return prepare(plain, backend, setting, true);
    }

    private static Prepared prepare(MultiLayerConfiguration plain, BackendInfo backend, SpeedupSetting setting,
                                    boolean inputGradients) {
        SpeedupSetting effective = backend.kind().equals("CPU") ? setting : SpeedupSetting.OFF;
        MultiLayerConfiguration conf = plain.clone();
        Map<SpeedupSetting.Kind, List<Integer>> made = new TreeMap<>();
        // The Java loops of pooling and batch norm are single precision; in double they would hand over to DL4J's code.
        boolean single = conf.getDataType() == null || conf.getDataType() == DataType.FLOAT;
        List<NeuralNetConfiguration> layers = conf.getConfs();
        for (int i = 0; i < layers.size(); i++) {
            NeuralNetConfiguration layerConf = layers.get(i);
            Layer layer = layerConf.getLayer();
            Layer swapped = null;
            SpeedupSetting.Kind kind = null;
            if (layer.getClass() == DenseLayer.class && effective.has(SpeedupSetting.Kind.DENSE)) {
                FastDense fast = FastDense.of((DenseLayer) layer);
                fast.setInputGradient(inputGradients || i > 0 || !readyInputForNoGradient(conf));
                swapped = fast;
                kind = SpeedupSetting.Kind.DENSE;
            } else if (layer.getClass() == ConvolutionLayer.class && effective.has(SpeedupSetting.Kind.CONV)) {
                FastConv fast = FastConv.of((ConvolutionLayer) layer);
                fast.setInputGradient(inputGradients || i > 0 || !readyInputForNoGradient(conf));
                swapped = fast;
                kind = SpeedupSetting.Kind.CONV;
            } else if (layer.getClass() == SubsamplingLayer.class && single && isMaxPool2x2((SubsamplingLayer) layer)
                    && effective.has(SpeedupSetting.Kind.POOL)) {
                swapped = FastMaxPool.of((SubsamplingLayer) layer);
                kind = SpeedupSetting.Kind.POOL;
            } else if (layer.getClass() == BatchNormalization.class && single && effective.has(SpeedupSetting.Kind.ONEDNN)
                    && effective.has(SpeedupSetting.Kind.BATCHNORM)) {
                // FastBatchNorm takes over from DL4J's oneDNN helper, so it needs that helper in place.
                swapped = FastBatchNorm.of((BatchNormalization) layer);
                kind = SpeedupSetting.Kind.BATCHNORM;
            }
            if (swapped != null) {
                layerConf.setLayer(swapped);
                layer = swapped;
                made.computeIfAbsent(kind, k -> new ArrayList<>()).add(i);
            }
            if (effective.has(SpeedupSetting.Kind.RELU) && swapActivation(layer, Speedups::fastReLU)) {
                if (layer.getClass() == ActivationLayer.class) {
                    // an activation layer of FastReLU also trains without DL4J's copies of its activations
                    FastActivation fast = FastActivation.of((ActivationLayer) layer);
                    layerConf.setLayer(fast);
                    layer = fast;
                }
                made.computeIfAbsent(SpeedupSetting.Kind.RELU, k -> new ArrayList<>()).add(i);
            }
            if (effective.has(SpeedupSetting.Kind.ADAM) && swapUpdater(layer, Speedups::fastAdam)) {
                made.computeIfAbsent(SpeedupSetting.Kind.ADAM, k -> new ArrayList<>()).add(i);
            }
            if (effective.has(SpeedupSetting.Kind.ADADELTA) && swapUpdater(layer, Speedups::fastAdadelta)) {
                made.computeIfAbsent(SpeedupSetting.Kind.ADADELTA, k -> new ArrayList<>()).add(i);
            }
            if (effective.has(SpeedupSetting.Kind.L2) && swapL2(layer)) {
                made.computeIfAbsent(SpeedupSetting.Kind.L2, k -> new ArrayList<>()).add(i);
            }
        }
        List<Integer> helped = effective.has(SpeedupSetting.Kind.ONEDNN) && OneDnn.available()
                ? helperLayers(conf) : List.of();
        MultiLayerNetwork net = OneDnnHelpers.network(conf, !helped.isEmpty());
        if (!helped.isEmpty()) {
            // DL4J drops a helper that does not support a layer's settings; list only the layers that kept one.
            List<Integer> kept = helped.stream().filter(i -> net.getLayer(i).getHelper() != null).toList();
            if (!kept.isEmpty()) made.put(SpeedupSetting.Kind.ONEDNN, kept);
        }
        if (made.containsKey(SpeedupSetting.Kind.BATCHNORM)) {
            // FastBatchNorm's loops take over from oneDNN's helper; a layer that got no such helper runs DL4J's code.
            List<Integer> taken = made.get(SpeedupSetting.Kind.BATCHNORM).stream()
                    .filter(i -> net.getLayer(i).getHelper() instanceof FastBatchNormHelper).toList();
            if (taken.isEmpty()) made.remove(SpeedupSetting.Kind.BATCHNORM);
            else made.put(SpeedupSetting.Kind.BATCHNORM, taken);
        }
        TrainingStep step = net::fit;
        if (effective.has(SpeedupSetting.Kind.STEP)) {
            var dense = DenseStep.of(net);
            if (dense.isPresent()) {
                step = dense.get()::fit;
                made.put(SpeedupSetting.Kind.STEP, List.of());
            }
        }
        if (effective.has(SpeedupSetting.Kind.UPDATE) && !made.containsKey(SpeedupSetting.Kind.STEP)) {
            var fused = FusedUpdateStep.of(net);
            if (fused.isPresent()) {
                step = fused.get();
                made.put(SpeedupSetting.Kind.UPDATE, List.of());
            }
        }
        List<Substitution> substitutions = new ArrayList<>();
        made.forEach((kind, at) -> substitutions.add(new Substitution(kind.label(), kind.replaced(), kind.replacement(), at)));
        return new Prepared(net, step, List.copyOf(substitutions), plain);
    }

    /**
     * Readies the network's input for a first layer that hands back no input gradient: with no preprocessor nothing
     * is needed, DL4J's flat-rows-to-images reshape is swapped for {@link InputToCnnPreProcessor}; false, and nothing
     * changed, for any other preprocessor.
     */
    private static boolean readyInputForNoGradient(MultiLayerConfiguration conf) {
        InputPreProcessor pre = conf.getInputPreProcess(0);
        if (pre == null) return true;
        if (pre.getClass() != FeedForwardToCnnPreProcessor.class) return false;
        conf.getInputPreProcessors().put(0, InputToCnnPreProcessor.of((FeedForwardToCnnPreProcessor) pre));
        return true;
    }

    private static boolean isMaxPool2x2(SubsamplingLayer pool) {
        return pool.getPoolingType() == PoolingType.MAX && Arrays.equals(pool.getKernelSize(), new int[] {2, 2})
                && Arrays.equals(pool.getStride(), new int[] {2, 2}) && Arrays.equals(pool.getPadding(), new int[] {0, 0});
    }

    /** The layers DL4J can hand to oneDNN: convolution, pooling and batch norm (ours extend DL4J's and keep the helper). */
    private static List<Integer> helperLayers(MultiLayerConfiguration conf) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            Layer l = conf.getConf(i).getLayer();
            if (l instanceof ConvolutionLayer || l instanceof SubsamplingLayer || l instanceof BatchNormalization) at.add(i);
        }
        return at;
    }

    private static boolean swapActivation(Layer layer, Function<IActivation, IActivation> swap) {
        if (layer instanceof BaseLayer base && base.getActivationFn() != null) {
            IActivation to = swap.apply(base.getActivationFn());
            if (to != base.getActivationFn()) {
                base.setActivationFn(to);
                return true;
            }
        } else if (layer instanceof ActivationLayer act && act.getActivationFn() != null) {
            IActivation to = swap.apply(act.getActivationFn());
            if (to != act.getActivationFn()) {
                act.setActivationFn(to);
                return true;
            }
        }
        return false;
    }

    /** FastReLU for DL4J's plain ReLU, max(0, z); a capped, thresholded or leaky ReLU stays DL4J's. */
    private static IActivation fastReLU(IActivation a) {
        if (a.getClass() != ActivationReLU.class) return a;
        ActivationReLU relu = (ActivationReLU) a;
        boolean plain = relu.getMax() == null && (relu.getThreshold() == null || relu.getThreshold() == 0)
                && (relu.getNegativeSlope() == null || relu.getNegativeSlope() == 0);
        return plain ? new FastReLU() : a;
    }

    /**
     * The replacement {@code swap} gives for a layer's weight and bias updaters, where it gives one (it returns its
     * argument for an updater it does not replace); SameDiff layers keep their updaters apart.
     */
    private static boolean swapUpdater(Layer layer, UnaryOperator<IUpdater> swap) {
        if (layer instanceof BaseLayer base && base.getIUpdater() != null) {
            IUpdater to = swap.apply(base.getIUpdater());
            if (to == base.getIUpdater()) return false;
            base.setIUpdater(to);
            if (base.getBiasUpdater() != null) base.setBiasUpdater(swap.apply(base.getBiasUpdater()));
            return true;
        }
        if (layer instanceof AbstractSameDiffLayer sameDiff && sameDiff.getUpdater() != null) {
            IUpdater to = swap.apply(sameDiff.getUpdater());
            if (to == sameDiff.getUpdater()) return false;
            sameDiff.setUpdater(to);
            if (sameDiff.getBiasUpdater() != null) sameDiff.setBiasUpdater(swap.apply(sameDiff.getBiasUpdater()));
            return true;
        }
        return false;
    }

    /** FastL2 for DL4J's own L2 regularization of a layer's weights and biases; whether any was swapped. */
    private static boolean swapL2(Layer layer) {
        if (!(layer instanceof BaseLayer base)) return false;
        List<Regularization> weights = fastL2(base.getRegularization()), biases = fastL2(base.getRegularizationBias());
        if (weights == base.getRegularization() && biases == base.getRegularizationBias()) return false;
        base.setRegularization(weights);
        base.setRegularizationBias(biases);
        return true;
    }

    /** The list with each L2Regularization (not a subclass) as FastL2; the list itself when it holds none. */
    private static List<Regularization> fastL2(List<Regularization> regs) {
        if (regs == null || regs.stream().noneMatch(r -> r.getClass() == L2Regularization.class)) return regs;
        List<Regularization> out = new ArrayList<>();
        for (Regularization r : regs) out.add(r.getClass() == L2Regularization.class ? new FastL2(((L2Regularization) r).getL2()) : r);
        return out;
    }

    /** FastAdam for DL4J's own Adam (not a subclass); any other updater as it is. */
    private static IUpdater fastAdam(IUpdater u) {
        if (u.getClass() != Adam.class) return u;
        Adam adam = (Adam) u;
        return new FastAdam(adam.getBeta1(), adam.getBeta2(), adam.getEpsilon(),
                adam.getLearningRateSchedule() != null ? adam.getLearningRateSchedule()
                        : new FixedSchedule(adam.getLearningRate()));
    }

    /** FastAdadelta for TorchAdadelta (keeping its learning rate and schedule); any other updater as it is. */
    private static IUpdater fastAdadelta(IUpdater u) {
        if (u.getClass() != TorchAdadelta.class) return u;
        TorchAdadelta plain = (TorchAdadelta) u;
        FastAdadelta fast = new FastAdadelta(plain.getRho(), plain.getEpsilon(), plain.getLearningRateSchedule());
        fast.setLearningRate(plain.getLearningRate());
        return fast;
    }
}
