package dl4jrepro.base;

import java.util.Locale;

/**
 * Metrics at one evaluation. Losses are the mean cross-entropy of the data alone (no L2 term), as the reports plot them.
 *
 * @param step    minibatch updates done
 * @param epoch   passes over the training split done (fractional for step budgets)
 * @param lr      learning rate of the next update
 * @param seconds training time so far, evaluation excluded
 * @param trainTopShare share of the training examples scored whose predicted class is the most predicted one (1: the
 *                      net predicts one class for everything); null in records from before it was measured
 * @param valTopShare   the same on the validation split
 */
public record CurvePoint(int step, double epoch, double trainLoss, double trainAcc, double valLoss, double valAcc,
                         double testLoss, double testAcc, double lr, double seconds, Double trainTopShare,
                         Double valTopShare) {

    /** A point without the predicted-class shares. */
    public CurvePoint(int step, double epoch, double trainLoss, double trainAcc, double valLoss, double valAcc,
                      double testLoss, double testAcc, double lr, double seconds) {
        this(step, epoch, trainLoss, trainAcc, valLoss, valAcc, testLoss, testAcc, lr, seconds, null, null);
    }

    public static final String CSV_HEADER =
            "step,epoch,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc,lr,seconds,train_top_share,val_top_share";

    public String csv() {
        return step + "," + fmt(epoch) + "," + fmt(trainLoss) + "," + fmt(trainAcc) + "," + fmt(valLoss) + ","
                + fmt(valAcc) + "," + fmt(testLoss) + "," + fmt(testAcc) + "," + fmt(lr) + "," + fmt(seconds) + ","
                + fmt(trainTopShare) + "," + fmt(valTopShare);
    }

    private static String fmt(Double v) {
        return v == null ? "" : fmt(v.doubleValue());
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
