package dl4jrepro.results;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Column labels of a heat map fit their column: B1's widest hidden lists ran into one another. */
class HeatMapPlotTest {
    @Test
    void longColumnLabelsKeepTheirEndsAndLength() {
        assertEquals("[150, 50]", HeatMapPlot.shortLabel("[150, 50]"));
        assertEquals("200…50 (3)", HeatMapPlot.shortLabel("[200, 125, 50]"));
        assertEquals("500…50 (9)", HeatMapPlot.shortLabel("[500, 443, 387, 331, 275, 218, 162, 106, 50]"));
        assertEquals("Kaiming+L…", HeatMapPlot.shortLabel("Kaiming+LeakyReLU"));
    }
}
