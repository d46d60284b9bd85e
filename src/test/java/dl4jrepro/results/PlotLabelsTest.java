package dl4jrepro.results;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pictures' labels say what they show and fit where they go. */
class PlotLabelsTest {
    /** B1's widest hidden lists ran into one another under the heat map. */
    @Test
    void longHeatMapColumnLabelsKeepTheirEndsAndLength() {
        assertEquals("[150, 50]", HeatMapPlot.shortLabel("[150, 50]"));
        assertEquals("200…50 (3)", HeatMapPlot.shortLabel("[200, 125, 50]"));
        assertEquals("500…50 (9)", HeatMapPlot.shortLabel("[500, 443, 387, 331, 275, 218, 162, 106, 50]"));
        assertEquals("Kaiming+L…", HeatMapPlot.shortLabel("Kaiming+LeakyReLU"));
    }

    /** One minibatch's figures look nothing like an epoch's: the train series says which it is. */
    @Test
    void theLearningCurvesTrainSeriesNamesWhatItMeasures() {
        assertEquals(" (one minibatch)", LearningCurvePlot.trainSource("last-batch"));
        assertEquals(" (running mean over the epoch)", LearningCurvePlot.trainSource("running"));
        assertEquals("", LearningCurvePlot.trainSource("full"));
    }
}
