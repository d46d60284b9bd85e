package dl4jrepro.spec;

import dl4jrepro.base.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HyperparametersTest {
    final Hyperparameters hp = new Hyperparameters("x", Map.of("lr", 0.001, "batch", 200, "hidden", List.of(50),
            "optimizer", "adam"));

    @Test
    void overridesAreParsedByTheTypeTheyReplace() {
        Hyperparameters o = hp.with(Map.of("lr", "1e-2", "batch", "64", "hidden", "100,50", "optimizer", "sgd"));
        assertEquals(0.01, o.getDouble("lr"));
        assertEquals(64, o.getInt("batch"));
        assertEquals(List.of(100, 50), o.getIntList("hidden"));
        assertEquals("sgd", o.getString("optimizer"));
        assertEquals(0.001, hp.getDouble("lr"), "the original is unchanged");
    }

    @Test
    void convBlocksAreSetAsNestedLists() {
        Hyperparameters cnn = new Hyperparameters("c", Map.of("blocks", List.of(List.of(32, 64))));
        assertEquals(List.of(List.of(16), List.of(32, 32)), cnn.with(Map.of("blocks", "[[16], [32, 32]]")).getIntLists("blocks"));
        UserError e = assertThrows(UserError.class, () -> cnn.with(Map.of("blocks", "32,64")));
        assertTrue(e.getMessage().contains("a list of lists of whole numbers, e.g. [[32,64]]"), e.getMessage());
    }

    @Test
    void nonNumberForNumberFails() {
        UserError e = assertThrows(UserError.class, () -> hp.with(Map.of("lr", "abc")));
        assertEquals("--set lr=abc: 'abc' is not a number (lr is 0.001 in the spec)", e.getMessage());
    }

    @Test
    void fractionForWholeNumberFails() {
        UserError e = assertThrows(UserError.class, () -> hp.with(Map.of("batch", "2.5")));
        assertTrue(e.getMessage().contains("is not a whole number"), e.getMessage());
    }

    @Test
    void unknownKeyListsKnownOnes() {
        UserError e = assertThrows(UserError.class, () -> hp.with(Map.of("lrr", "1")));
        assertTrue(e.getMessage().contains("has no hyperparameter 'lrr'") && e.getMessage().contains("lr"), e.getMessage());
    }

    @Test
    void rangeCheckNamesValueAndRule() {
        Hyperparameters bad = hp.with(Map.of("lr", "-1"));
        UserError e = assertThrows(UserError.class, () -> bad.check(bad.getDouble("lr") > 0, "lr", "must be positive"));
        assertTrue(e.getMessage().contains("lr=-1.0 is impossible: must be positive"), e.getMessage());
    }
}
