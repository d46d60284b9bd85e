package dl4jrepro.bench;

import dl4jrepro.spec.ExperimentSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A short real turn projected to the spec's budget: what grows with steps, with evaluations, and what is paid once. */
class PipelineShareTest {
    // 6,400 samples in 100 steps of 64 (2 epochs of 50 steps, evaluated after each): train 10 s, evaluation 4 s, final
    // scoring 2 s, and 4 s else.
    final PipelineShare.RealTurn turn = new PipelineShare.RealTurn(6400, 20, 10, 4, 2, 100, 2, 50);

    static ExperimentSpec.Budget budget(Integer epochs, Integer steps, Integer evalEvery) {
        return new ExperimentSpec.Budget(epochs, steps, evalEvery, "running", null, null, null);
    }

    @Test
    void theTurnsOwnBudgetGivesItsOwnRate() {
        assertEquals(turn.samplesPerSecond(), turn.samplesPerSecondAt(budget(2, null, null)), 1e-9);
        assertEquals(turn.samplesPerSecond(), turn.samplesPerSecondAt(budget(null, 100, 50)), 1e-9);
        assertEquals(4, turn.otherSeconds(), 1e-12);
    }

    @Test
    void aLongerBudgetScalesTrainingAndTheRestBySteps_EvaluationByEvaluations_ScoringOnce() {
        // 10 epochs: 500 steps (5×), 10 evaluations (5×): (10 + 4)·5 + 4·5 + 2 = 92 s for 32,000 samples.
        assertEquals(32000 / 92.0, turn.samplesPerSecondAt(budget(10, null, null)), 1e-9);
        // 500 steps evaluated every 200: 3 evaluations (200, 400 and the last): 70 + 4·3/2 + 2 = 78 s.
        assertEquals(32000 / 78.0, turn.samplesPerSecondAt(budget(null, 500, 200)), 1e-9);
    }
}
