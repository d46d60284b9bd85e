package dl4jrepro.search;

import dl4jrepro.results.RunRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One axis at a time: best and mean over the trials holding each value, diverged trials left out. */
class AxisTableTest {
    @Test
    void eachValueGetsTheBestAndMeanOfItsTrials() {
        // AggregateTest.trial(index, lr, status, val, train): lr 1e-2 diverged; two lr 1e-3 trials; one lr 1e-4.
        List<RunRecord> trials = List.of(AggregateTest.trial(0, 0.01, "diverged", 0, 0),
                AggregateTest.trial(1, 0.001, "completed", 0.50, 0.60), AggregateTest.trial(2, 0.001, "completed", 0.54, 0.70),
                AggregateTest.trial(3, 0.0001, "completed", 0.40, 0.41));
        List<AxisTable.Cell> cells = AxisTable.cells(trials, "lr", "last.val_acc");
        assertEquals(3, cells.size());
        assertEquals(0.0001, ((Number) cells.get(0).value()).doubleValue(), 1e-15, "numbers ascending");
        AxisTable.Cell lr3 = cells.get(1);
        assertEquals(2, lr3.trials());
        assertEquals(0.54, lr3.best(), 1e-12);
        assertEquals(0.52, lr3.mean(), 1e-12);
        AxisTable.Cell diverged = cells.get(2);
        assertEquals(0, diverged.trials());
        assertTrue(Double.isNaN(diverged.best()) && Double.isNaN(diverged.mean()), "no value, not a zero");
    }
}
