package dl4jrepro.results;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A learning curve says what its "train" points measure: one minibatch's figures look nothing like an epoch's. */
class LearningCurvePlotTest {
    @Test
    void theTrainSeriesNamesWhatItMeasures() {
        assertEquals(" (one minibatch)", LearningCurvePlot.trainSource("last-batch"));
        assertEquals(" (running mean over the epoch)", LearningCurvePlot.trainSource("running"));
        assertEquals("", LearningCurvePlot.trainSource("full"));
    }
}
