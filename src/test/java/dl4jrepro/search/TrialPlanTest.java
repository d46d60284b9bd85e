package dl4jrepro.search;

import dl4jrepro.base.Metrics;
import dl4jrepro.base.UserError;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialPlanTest {
    static ExperimentSpec spec(String id) {
        return new SpecCatalog(Path.of("experiments")).load(id);
    }

    @Test
    void gridIsTheFullCartesianProductWithStableDistinctIds() {
        List<TrialPlan.Trial> a = TrialPlan.expand(spec("two-layer-grid-001"), false, Map.of(), 42);
        assertEquals(243, a.size());
        assertEquals(243, a.stream().map(TrialPlan.Trial::id).distinct().count());
        assertEquals(a, TrialPlan.expand(spec("two-layer-grid-001"), false, Map.of(), 42), "same plan every time");
        assertNotEquals(a.get(0).id(), TrialPlan.expand(spec("two-layer-grid-001"), true, Map.of(), 42).get(0).id(),
                "quick and full trials never share an id");
        Set<Object> lrs = a.stream().map(t -> t.overrides().get("lr")).collect(Collectors.toSet());
        assertEquals(Set.of(0.01, 0.001, 0.0001), lrs);
    }

    @Test
    void quickRunsOfBigGridsTakeAnEvenSample() {
        List<TrialPlan.Trial> quick = TrialPlan.expand(spec("mlp-grid-004"), true, Map.of(), 42);
        assertEquals(12, quick.size());
        assertEquals(List.of(0, 1, 2), quick.subList(0, 3).stream().map(TrialPlan.Trial::index).toList());
        Set<Object> optimizers = quick.stream().map(t -> t.overrides().get("optimizer")).collect(Collectors.toSet());
        assertEquals(Set.of("sgd", "adam", "adadelta"), optimizers, "the sample spans the grid");
        assertEquals(486, TrialPlan.expand(spec("mlp-grid-004"), false, Map.of(), 42).size());
    }

    @Test
    void linspaceMatchesNumpy() {
        List<Object> reg = TrialPlan.axisValues("x", "reg", Map.of("linspace", List.of(0.005, 0.0005, 7)));
        assertEquals(7, reg.size());
        assertEquals(0.005, (double) reg.get(0), 1e-15);
        assertEquals(0.00275, (double) reg.get(3), 1e-15);
        assertEquals(0.0005, (double) reg.get(6), 1e-15);
        List<Object> lr = TrialPlan.axisValues("x", "lr", Map.of("logspace", List.of(-4, -2, 3)));
        double[] expected = {1e-4, 1e-3, 1e-2};
        for (int i = 0; i < 3; i++) assertEquals(expected[i], (double) lr.get(i), expected[i] * 1e-12);
        assertThrows(UserError.class, () -> TrialPlan.axisValues("x", "lr", Map.of("range", List.of(1, 2))));
    }

    @Test
    void seedsRepeatEveryConfiguration() {
        List<TrialPlan.Trial> t = TrialPlan.expand(spec("two-layer-repeat-000"), false, Map.of(), 1);
        assertEquals(15, t.size());
        assertEquals(List.of(1L, 2L, 3L), t.subList(0, 3).stream().map(TrialPlan.Trial::seed).toList());
        assertTrue(t.stream().allMatch(x -> x.overrides().isEmpty()));
    }

    @Test
    void comparisonsVaryOneFactorAroundTheSpecAndShareItsOwnSetting() {
        ExperimentSpec spec = spec("mnist-cnn-003-comparisons");
        List<TrialPlan.Trial> plan = TrialPlan.expand(spec, false, Map.of(), 42);
        // 7 factors with 3+3+3+3+3+2+2 = 19 settings, 7 of them the spec's own: 12 changes plus the spec itself, each
        // over the spec's seeds.
        int seeds = spec.search().seeds();
        assertEquals(13 * seeds, plan.size());
        assertEquals(13, plan.stream().map(TrialPlan.Trial::overrides).distinct().count());
        assertTrue(plan.stream().limit(seeds).allMatch(t -> t.overrides().isEmpty()), "the spec's own setting first, once a seed");
        assertEquals(seeds, plan.stream().limit(seeds).map(TrialPlan.Trial::seed).distinct().count());
        assertTrue(plan.stream().skip(seeds).allMatch(t -> t.overrides().size() == 1));
        assertTrue(plan.stream().anyMatch(t -> t.overrides().equals(Map.of("blocks", List.of(List.of(32))))));
        assertTrue(plan.stream().noneMatch(t -> t.overrides().equals(Map.of("batch", 128))), "128 is the spec's batch");
        assertEquals(13 * seeds, plan.stream().map(TrialPlan.Trial::id).distinct().count());
        Aggregate threeLayers = Aggregate.parse("max(last.val_acc | blocks=[[32,64,128]])");
        assertEquals(Map.of("blocks", "[[32,64,128]]"), threeLayers.filter());
        assertTrue(Metrics.matches(Map.of("blocks", List.of(List.of(32, 64, 128))), threeLayers.filter()));
    }
}
