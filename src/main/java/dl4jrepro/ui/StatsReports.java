package dl4jrepro.ui;

import org.deeplearning4j.core.storage.impl.RemoteUIStatsStorageRouter;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.ui.model.stats.StatsListener;

/**
 * The StatsListener a trial trains with under {@code run --ui}: DL4J's own, posting to the UI server of
 * {@link TrainingUi} through DL4J's remote router, so a search's worker processes report to the same page.
 */
public final class StatsReports {
    /**
     * Reports per epoch. A report carries histograms of every parameter, gradient and update array; at every step it
     * would cost more than the small MLPs' steps themselves, and twenty points an epoch draw the same charts.
     */
    static final int REPORTS_PER_EPOCH = 20;

    private StatsReports() {
    }

    /**
     * @param uiUrl         the server's address ({@link TrainingUi#url()})
     * @param session       the trial's session in the UI, e.g. {@code mnist-cnn-003} or {@code grid-smoke-trial-3}
     * @param stepsPerEpoch the trial's minibatches per epoch
     */
    public static TrainingListener listener(String uiUrl, String session, int stepsPerEpoch) {
        int every = Math.max(1, stepsPerEpoch / REPORTS_PER_EPOCH);
        return new StatsListener(new RemoteUIStatsStorageRouter(uiUrl), every, session);
    }

    /** A trial's session id: the experiment's id, and in a search the trial's number from 1. */
    public static String session(String experiment, Integer trialIndex) {
        return trialIndex == null ? experiment : experiment + "-trial-" + (trialIndex + 1);
    }
}
