package dl4jrepro.search;

import dl4jrepro.results.RunRecord;
import dl4jrepro.search.TrialPlan.Trial;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warning a search table gives when its best trial sits at the end of a searched axis. */
class SearchEdgesTest {
    /** A grid of lr {1e-4, 1e-3, 1e-2} × batch {64, 128} × hidden {[100], [200], [300]}. */
    static List<Trial> plan() {
        List<Trial> plan = new ArrayList<>();
        for (double lr : new double[] {1e-4, 1e-3, 1e-2}) {
            for (int batch : new int[] {64, 128}) {
                for (int h : new int[] {100, 200, 300}) {
                    plan.add(new Trial(plan.size(), "t" + plan.size(), Map.of("lr", lr, "batch", batch, "hidden", List.of(h)), 1));
                }
            }
        }
        return plan;
    }

    static RunRecord best(double lr, int batch) {
        return AggregateTest.trial(0, lr, "completed", 0.5, 0.6).toBuilder()
                .overrides(Map.of("lr", lr, "batch", batch, "hidden", List.of(200))).build();
    }

    @Test
    void aBestTrialAtTheLargestLearningRateAsksToExtendItUpward() {
        List<String> w = SearchEdges.warnings(plan(), List.of("lr", "batch", "hidden"), best(1e-2, 64));
        assertEquals(List.of("lr: the best trial has 0.01, the largest value searched (0.0001 – 0.01); extend lr above 0.01"), w);
    }

    @Test
    void aBestTrialAtTheSmallestLearningRateAsksToExtendItDownward() {
        List<String> w = SearchEdges.warnings(plan(), List.of("lr", "batch", "hidden"), best(1e-4, 128));
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).endsWith("extend lr below 0.0001"), w.get(0));
    }

    /** Inside every axis, a two-valued axis (batch: each value is an edge) or a list-valued one (hidden): no warning. */
    @Test
    void aBestTrialInsideTheSpaceGivesNoWarning() {
        assertEquals(List.of(), SearchEdges.warnings(plan(), List.of("lr", "batch", "hidden"), best(1e-3, 128)));
        assertEquals(List.of(), SearchEdges.warnings(plan(), List.of("lr", "batch", "hidden"), null));
    }
}
