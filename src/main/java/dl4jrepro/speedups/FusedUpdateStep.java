package dl4jrepro.speedups;

import dl4jrepro.train.TrainingStep;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DL4J's {@code fit} on one minibatch with its update fused: the forward and backward passes are fit's own
 * ({@code computeGradientAndScore}, as its optimizer calls it), and then, for each updater block whose updater is a
 * {@link ChunkedUpdater} (FastAdam, FastAdadelta), the division of the gradient by the minibatch's size, L2, the
 * updater's step and {@code params −= step} run as one pass over the block ({@link StateLoops#fusedFloatChunks}).
 * Other blocks (batch norm's running statistics, other updaters) take fit's separate steps.
 *
 * <p>Why: fit walks every parameter four times after the backward pass: its updater divides the whole gradient by
 * the minibatch, adds L2, runs the updater, and its step function subtracts the result from the parameters. On the
 * CIFAR VGG net (9.2 M parameters, batch 32) the StepProfile put the division and the subtraction each at more than
 * FastAdam's whole loop (step-profile-c1-mnist-cnn-c2-cifar-vgg.md); fused, each chunk of the arrays is read and
 * written once, in cache.
 *
 * <p>Same operations in the same order on each element (g/n, g + c·w, the updater's arithmetic, w − step), so the
 * same parameters, updater state, score and gradient view (which keeps the step, as fit leaves it):
 * FusedUpdateStepTest holds them equal to fit's. The iteration count, listeners and constraints advance as fit's
 * optimizer advances them.
 */
public final class FusedUpdateStep implements TrainingStep {
    private final MultiLayerNetwork net;
    private final List<Block> blocks;

    /**
     * One parameter of a block: flat views of it, its gradient and (in a fused block) its updater state; whether fit
     * divides its gradient by the minibatch; its L2 term, if any.
     */
    private record Param(INDArray params, INDArray gradient, INDArray first, INDArray second, boolean divide,
                         L2Regularization l2) {}

    /** An updater block: its parameters, and flat views of all of them and their gradient; fused where non-null. */
    private record Block(UpdaterBlock block, INDArray params, INDArray gradient, List<Param> paramRanges,
                         ChunkedUpdater fused) {}

    private FusedUpdateStep(MultiLayerNetwork net, List<Block> blocks) {
        this.net = net;
        this.blocks = blocks;
    }

    /**
     * The fused step for this network, or empty where it does not apply: no block with a {@link ChunkedUpdater} on
     * contiguous single-precision arrays, or something fit does between backward pass and update that this step does
     * not (gradient normalization or clipping, truncated backpropagation through time, regularization other than L2
     * before the updater).
     */
    public static Optional<FusedUpdateStep> of(MultiLayerNetwork net) {
        if (net.getLayerWiseConfigurations().getBackpropType() == BackpropType.TruncatedBPTT) return Optional.empty();
        if (!net.conf().isMiniBatch()) return Optional.empty();
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            if (layer.conf().getLayer() instanceof BaseLayer base && base.getGradientNormalization() != null
                    && base.getGradientNormalization() != GradientNormalization.None) {
                return Optional.empty();
            }
        }
        if (!(net.getUpdater() instanceof BaseMultiLayerUpdater<?> updater)) return Optional.empty();
        INDArray params = net.params().reshape(net.params().length());
        List<Block> blocks = new ArrayList<>();
        boolean anyFused = false;
        for (UpdaterBlock block : updater.getUpdaterBlocks()) {
            INDArray blockParams = params.get(NDArrayIndex.interval(block.getParamOffsetStart(), block.getParamOffsetEnd()));
            INDArray blockGradient = block.getGradientView().reshape(block.getGradientView().length());
            GradientUpdater<?> gu = block.getGradientUpdater();
            Map<String, INDArray> state = gu.getState();
            INDArray first = flat(state == null ? null : state.get("S0")), second = flat(state == null ? null : state.get("S1"));
            boolean fusable = gu.getConfig() instanceof ChunkedUpdater && first != null && second != null
                    && blockGradient.dataType() == DataType.FLOAT
                    && StateLoops.contiguousAlike(blockGradient, blockParams, first, second);
            List<Param> ranges = new ArrayList<>();
            for (UpdaterBlock.ParamState ps : block.getLayersAndVariablesInBlock()) {
                Trainable layer = ps.getLayer();
                L2Regularization l2 = null;
                List<Regularization> regs = layer.getConfig().getRegularizationByParam(ps.getParamName());
                for (Regularization r : regs == null ? List.<Regularization>of() : regs) {
                    if (r instanceof L2Regularization plain && l2 == null) l2 = plain;
                    else fusable = false;
                }
                var at = NDArrayIndex.interval(ps.getParamOffsetStart() - block.getParamOffsetStart(),
                        ps.getParamOffsetEnd() - block.getParamOffsetStart());
                ranges.add(new Param(blockParams.get(at), blockGradient.get(at), first == null ? null : first.get(at),
                        second == null ? null : second.get(at), layer.updaterDivideByMinibatch(ps.getParamName()), l2));
            }
            anyFused |= fusable;
            blocks.add(new Block(block, blockParams, blockGradient, List.copyOf(ranges),
                    fusable ? (ChunkedUpdater) gu.getConfig() : null));
        }
        return anyFused ? Optional.of(new FusedUpdateStep(net, List.copyOf(blocks))) : Optional.empty();
    }

    /** One update on one minibatch, as {@code net.fit(x, y)}. */
    @Override
    public void fit(INDArray x, INDArray y) {
        net.setInput(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        notifyListeners(false);
        int iteration = net.getIterationCount(), epoch = net.getEpochCount(), batch = net.batchSize();
        for (Block b : blocks) {
            if (b.fused != null) fusedUpdate(b, batch, iteration, epoch);
            else separateUpdate(b, batch, iteration, epoch);
        }
        notifyListeners(true);
        net.setIterationCount(iteration + 1);
        net.applyConstraints(iteration + 1, epoch);
        net.clearLayerMaskArrays();
        net.clearLayersStates();
    }

    private void fusedUpdate(Block b, int batch, int iteration, int epoch) {
        double lr = b.block.getGradientUpdater().getConfig().getLearningRate(iteration, epoch);
        StateLoops.FloatChunk step = b.fused.floatStep(lr, iteration);
        for (Param p : b.paramRanges) {
            float l2 = p.l2 == null ? 0 : (float) p.l2.getL2().valueAt(iteration, epoch);
            StateLoops.fusedFloatChunks(p.params, p.gradient, p.first, p.second, p.divide ? batch : 1, l2,
                    p.l2 instanceof FastL2, step);
        }
    }

    /** fit's own steps for one block: the division, its regularization and updater, the subtraction. */
    private static void separateUpdate(Block b, int batch, int iteration, int epoch) {
        for (Param p : b.paramRanges) if (p.divide) p.gradient.divi(batch);
        b.block.update(iteration, epoch);
        b.params.subi(b.gradient);
    }

    private static INDArray flat(INDArray a) {
        return a == null ? null : a.reshape(a.length());
    }

    private void notifyListeners(boolean iterationDone) {
        if (net.getListeners() == null || net.getListeners().isEmpty()) return;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            for (TrainingListener listener : net.getListeners()) {
                if (iterationDone) listener.iterationDone(net, net.getIterationCount(), net.getEpochCount());
                else listener.onGradientCalculation(net);
            }
        }
    }
}
