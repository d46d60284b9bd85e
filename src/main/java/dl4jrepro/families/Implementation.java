package dl4jrepro.families;

import dl4jrepro.spec.Hyperparameters;

/**
 * A hyperparameter choosing who computes a layer, an updater or a whole training step: this project's faster version
 * ("fast", the default) or DL4J's own ("dl4j"). The two give the same numbers; the choice exists so benchmarks can set
 * one against the other.
 */
public final class Implementation {
    private Implementation() {}

    /** Rejects any value but "fast" and "dl4j"; {@code fastIs} says what the fast one does, for the message. */
    public static void validate(Hyperparameters hp, String key, String fastIs) {
        hp.check(!hp.has(key) || hp.getString(key).equals("fast") || hp.getString(key).equals("dl4j"), key,
                "use fast (" + fastIs + ") or dl4j");
    }

    public static boolean fast(Hyperparameters hp, String key) {
        return !hp.has(key) || hp.getString(key).equals("fast");
    }
}
