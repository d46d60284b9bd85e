package dl4jrepro.bench;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Json;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.results.RunRecord;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.search.TrialPlan;
import dl4jrepro.results.TrialStore;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import dl4jrepro.train.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the suite cost reads unfinished work: a search from its finished trials, a single run from its checkpoint. */
class SuiteCostTest {
    @TempDir Path results;

    @Test
    void aSearchStoppedPartWayIsProjectedFromItsFinishedTrials() throws Exception {
        ExperimentSpec spec = new SpecCatalog(Path.of("src/test/resources/experiments")).load("grid-smoke");
        List<TrialPlan.Trial> plan = TrialPlan.expand(spec, false, Map.of(), spec.seed());
        TrialStore store = new TrialStore(new ResultsStore(results).dir(spec, false));
        // Wall, training and evaluation seconds; the first trial also loaded the data (60 s more than the others' 5)
        double[][] seconds = {{160, 90, 5}, {200, 190, 5}, {300, 290, 5}, {400, 390, 5}};
        for (int i = 0; i < seconds.length; i++) {
            store.append(trial(spec, plan.get(i), seconds[i], i < 2 ? "aaaaaaa111" : "bbbbbbb222"));
        }

        SuiteCost.Cost cost = SuiteCost.cost(spec, new ResultsStore(results));
        // 1,060 s done; 12 trials to go at the mean training + evaluation (245 s) plus the median rest (5 s); two at a time
        assertEquals((1060 + 12 * (245 + 5)) / 2.0 / 3600, cost.hours(), 1e-12);
        assertTrue(cost.projected());
        assertEquals("PROJECTED from 4 of 16 trials", cost.basis());
        assertEquals(List.of("aaaaaaa", "bbbbbbb"), List.copyOf(cost.commits()));
        // On 4 workers, longest first onto the least loaded: 400+250+250+160, 300+250+250+200, and two of 250 x 4.
        assertEquals(1060 / 3600.0, cost.hoursOn(4), 1e-12);
        // On 16 or more, each trial has a worker: the longest trial.
        assertEquals(400 / 3600.0, cost.hoursOn(16), 1e-12);
    }

    @Test
    void aSingleRunStoppedPartWayIsProjectedFromItsLastCheckpoint() throws Exception {
        ExperimentSpec spec = new SpecCatalog(Path.of("experiments")).load("mnist-cnn-003");
        Path checkpoint = Files.createDirectories(new ResultsStore(results).dir(spec, false).resolve("checkpoint"));
        List<CurvePoint> curve = List.of(point(1), point(2), point(4));
        Checkpoint.State state = new Checkpoint.State("f", 3000, "model-3000.zip", curve, 700, 50, 384000, List.of(),
                "2026-11-30T11:00:00Z", 800, Map.of("git_commit", "0123456789abcdef"), List.of());
        Files.writeString(checkpoint.resolve("state.json"), Json.MAPPER.writeValueAsString(state));

        SuiteCost.Cost cost = SuiteCost.cost(spec, new ResultsStore(results));
        // 800 s of wall time for 4 of the budget's 50 epochs.
        assertEquals(800.0 * 50 / 4 / 3600, cost.hours(), 1e-12);
        assertTrue(cost.projected());
        assertEquals("PROJECTED from its checkpoint after 4 of 50 epochs", cost.basis());
        assertEquals(List.of("0123456"), List.copyOf(cost.commits()));
    }

    @Test
    void aRunWithAStepBudgetIsProjectedFromItsStepsDone() throws Exception {
        ExperimentSpec spec = new SpecCatalog(Path.of("experiments")).load("cifar-cnn-004");
        assertEquals(5000, spec.budget().steps());
        Path checkpoint = Files.createDirectories(new ResultsStore(results).dir(spec, false).resolve("checkpoint"));
        CurvePoint at1000 = new CurvePoint(1000, 0.65, 1, 0.5, 1, 0.5, 1, 0.5, 1e-4, 900);
        Checkpoint.State state = new Checkpoint.State("f", 1000, "model-1000.zip", List.of(at1000), 900, 100, 32000,
                List.of(), "2026-11-30T12:00:00Z", 1000, Map.of("git_commit", "fedcba9876543210"), List.of());
        Files.writeString(checkpoint.resolve("state.json"), Json.MAPPER.writeValueAsString(state));

        SuiteCost.Cost cost = SuiteCost.cost(spec, new ResultsStore(results));
        assertEquals(1000.0 * 5000 / 1000 / 3600, cost.hours(), 1e-12);
        assertEquals("PROJECTED from its checkpoint after 1000 of 5000 steps", cost.basis());
    }

    @Test
    void anExperimentWithNothingStoredHasNoCost() throws Exception {
        ExperimentSpec spec = new SpecCatalog(Path.of("experiments")).load("mnist-cnn-003");
        SuiteCost.Cost cost = SuiteCost.cost(spec, new ResultsStore(results));
        assertFalse(cost.known());
        assertEquals("not run yet", cost.basis());
    }

    private static CurvePoint point(double epoch) {
        return new CurvePoint((int) (epoch * 750), epoch, 0.1, 0.9, 0.1, 0.9, 0.1, 0.9, 1e-3, epoch * 170);
    }

    /** A trial record as a search leaves it; only its configuration, wall time and code matter here. */
    /** @param seconds wall, training and evaluation seconds */
    private static RunRecord trial(ExperimentSpec spec, TrialPlan.Trial t, double[] seconds, String commit) {
        ResolvedConfig config = ResolvedConfig.of(spec, false, t.overrides());
        return RunRecord.builder().experiment(spec.id()).family(spec.family()).status("failed").failure("stopped")
                .command("run").trialIndex(t.index()).trialId(t.id()).seed(t.seed()).overrides(t.overrides())
                .hyperparameters(config.hyperparameters().asMap()).budget(Map.of()).data(Map.of()).backend(Map.of())
                .software(Map.of("git_commit", commit)).wallSeconds(seconds[0]).trainSeconds(seconds[1])
                .evalSeconds(seconds[2]).curve(List.of()).finalMetrics(Map.of()).build();
    }

    @Test
    void todaysFigureIsACommittedFullRunOfNewerCodeThanTheRerun() {
        SuiteCost.Cost committed = new SuiteCost.Cost(2.24, "measured", false, List.of("ccccccc"), new double[] {8064});
        SuiteCost.Cost rerun = new SuiteCost.Cost(3.36, "PROJECTED from its checkpoint", true, List.of("aaaaaaa"), new double[] {12096});
        // aaaaaaa is an ancestor of ccccccc: the committed run is of newer code and finished.
        SuiteCost.Cost newer = SuiteCost.today(committed, rerun, (a, c) -> a.equals("aaaaaaa") && c.equals("ccccccc"));
        assertEquals(2.24, newer.hours(), 1e-12);
        assertFalse(newer.projected());
        assertTrue(newer.basis().contains("the committed run"), newer.basis());
        // Unrelated or older committed code: the rerun stays today's figure.
        assertEquals(3.36, SuiteCost.today(committed, rerun, (a, c) -> false).hours(), 1e-12);
        // A committed figure that is itself a projection never replaces the rerun.
        SuiteCost.Cost projected = new SuiteCost.Cost(2.0, "PROJECTED", true, List.of("ccccccc"), new double[] {7200});
        assertEquals(3.36, SuiteCost.today(projected, rerun, (a, c) -> true).hours(), 1e-12);
    }
}
