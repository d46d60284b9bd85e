package dl4jrepro.train;

import org.deeplearning4j.earlystopping.termination.ScoreImprovementEpochTerminationCondition;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Report 000's early stopping: stop once validation accuracy has not improved by more than {@code minDelta} for
 * {@code patience} epochs, and keep the weights of the best epoch. The stopping rule is DL4J's own
 * {@link ScoreImprovementEpochTerminationCondition}; the best weights (batch-norm statistics included, they are
 * parameters in DL4J) are kept as a copy of the parameter vector.
 */
public final class EarlyStopping {
    private final ScoreImprovementEpochTerminationCondition condition;
    private INDArray bestParams;
    private int bestEpoch = -1;
    private double bestScore = Double.NaN;

    public EarlyStopping(int patience, double minDelta) {
        condition = new ScoreImprovementEpochTerminationCondition(patience, minDelta);
        condition.initialize();
    }

    /**
     * Records the validation accuracy after {@code epoch} (1-based) and, when it is the best so far, the weights.
     *
     * @return whether training should stop now
     */
    public boolean observe(int epoch, double valAcc, MultiLayerNetwork net) {
        boolean stop = condition.terminate(epoch, valAcc, false);
        if (condition.getBestEpoch() == epoch) {
            bestEpoch = epoch;
            bestScore = valAcc;
            bestParams = net.params().dup();
        }
        return stop;
    }

    /** Puts the best epoch's weights back into the network. */
    public void restoreBest(MultiLayerNetwork net) {
        if (bestParams != null) net.setParams(bestParams);
    }

    public int bestEpoch() {
        return bestEpoch;
    }

    public double bestScore() {
        return bestScore;
    }
}
