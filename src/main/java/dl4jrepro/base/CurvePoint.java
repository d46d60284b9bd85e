package dl4jrepro.base;

import java.util.Locale;

/**
 * Metrics at one evaluation. Losses are the mean cross-entropy of the data alone (no L2 term), as the reports plot them.
 *
 * @param step    minibatch updates done
 * @param epoch   passes over the training split done (fractional for step budgets)
 * @param lr      learning rate of the next update
 * @param seconds training time so far, evaluation excluded
 */
public record CurvePoint(int step, double epoch, double trainLoss, double trainAcc, double valLoss, double valAcc,
                         double testLoss, double testAcc, double lr, double seconds) {

    public static final String CSV_HEADER = "step,epoch,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc,lr,seconds";

    public String csv() {
        return step + "," + fmt(epoch) + "," + fmt(trainLoss) + "," + fmt(trainAcc) + "," + fmt(valLoss) + ","
                + fmt(valAcc) + "," + fmt(testLoss) + "," + fmt(testAcc) + "," + fmt(lr) + "," + fmt(seconds);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }
}
