package dl4jrepro.checks;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Catalogue A0: the two-layer net's arithmetic, replayed on the course's toy problem, gives the course's NumPy numbers.
 * A change to the loss, the penalty's form, the update or the decay schedule fails here.
 */
class ToyReplayTest {
    @Test
    void replaysTheCoursesToyRunToItsPrintedDigits() {
        ToyReplay.Result r = ToyReplay.run();
        assertEquals(100, r.steps());
        assertEquals(1.30378789133, r.initialLoss(), 1e-9, "loss on all 5 points at reg 0.05 before training");
        assertEquals(0.017149607938732, r.lastMinibatchLoss(), 1e-9, "loss of the 100th minibatch");
    }
}
