package dl4jrepro.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** StepProfile's reading of a sampled stack (innermost frame first), on stacks as DL4J's training thread has them. */
class StepProfileTest {
    private static final String CALC_BACKPROP = "org.deeplearning4j.nn.multilayer.MultiLayerNetwork.calcBackpropGradients";
    private static final String FEED_FORWARD = "org.deeplearning4j.nn.multilayer.MultiLayerNetwork.ffToLayerActivationsInWs";

    @Test
    void aNativeOpIsTheLayerItRunsForAndTheDirectionOfItsPass() {
        List<String> convBackward = List.of("org.nd4j.nativeblas.Nd4jCpu.execCustomOp2",
                "org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner.exec",
                "org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper.backpropGradient",
                "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.backpropGradient", CALC_BACKPROP);
        assertEquals("convolution backward", StepProfile.kindOf(convBackward));
        assertEquals("MKLDNNConvHelper.backpropGradient", StepProfile.ownFrame(convBackward));
        assertEquals("batch norm forward", StepProfile.kindOf(List.of("org.nd4j.nativeblas.Nd4jCpu.execCustomOp2",
                "org.deeplearning4j.nn.layers.normalization.BatchNormalization.activate", FEED_FORWARD)));
    }

    @Test
    void theInnermostLayerClassDecidesSoAConvolutionsActivationIsReLU() {
        assertEquals("ReLU forward", StepProfile.kindOf(List.of("org.nd4j.linalg.activations.impl.ActivationReLU.getActivation",
                "org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.activate", FEED_FORWARD)));
        assertEquals("dense and loss backward", StepProfile.kindOf(List.of(
                "org.nd4j.linalg.lossfunctions.impl.LossMCXENT.computeGradient",
                "org.deeplearning4j.nn.layers.BaseOutputLayer.backpropGradient", CALC_BACKPROP)));
    }

    @Test
    void aJdkThreadPoolIsNotPoolingAndTheUpdaterAndTheLoopAreTheirOwnKinds() {
        assertEquals("batch norm backward", StepProfile.kindOf(List.of(
                "java.util.concurrent.ThreadPoolExecutor.execute", "dl4jrepro.speedups.ParallelLoops.forRange",
                "dl4jrepro.speedups.FastBatchNormHelper.backpropGradient",
                "org.deeplearning4j.nn.layers.normalization.BatchNormalization.backpropGradient", CALC_BACKPROP)));
        assertEquals("updater", StepProfile.kindOf(List.of("dl4jrepro.speedups.FastAdam.applyUpdater",
                "org.deeplearning4j.nn.updater.BaseMultiLayerUpdater.update")));
        assertEquals("other", StepProfile.kindOf(List.of("org.deeplearning4j.nn.multilayer.MultiLayerNetwork.fit")));
        assertEquals("other forward", StepProfile.kindOf(List.of("org.nd4j.linalg.api.ndarray.BaseNDArray.dup", FEED_FORWARD)));
        assertEquals("dense and loss backward", StepProfile.kindOf(List.of("org.nd4j.linalg.factory.Nd4j.gemm",
                "dl4jrepro.speedups.DenseStep.backwardBlas", "dl4jrepro.speedups.DenseStep.fit")));
    }
}
