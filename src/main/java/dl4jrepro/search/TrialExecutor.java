package dl4jrepro.search;

import dl4jrepro.run.RunRequest;

import java.io.IOException;

/**
 * Where a search's pending trials run: on this machine ({@link LocalTrials}) or as Spark tasks
 * ({@code dl4jrepro.cluster.SparkTrials}). Whichever it is, each finished trial's record is appended to the search's
 * store as it finishes, so a run stopped at any point loses only the trials that were running, and the next run,
 * through any executor, starts where it stopped.
 */
public interface TrialExecutor {
    /** Refuses a request this executor cannot run, with a one-line error, before the search writes anything. */
    default void check(RunRequest request) {}

    /** How the trials will run, completing the search's opening line, e.g. " in 2 worker processes"; may be empty. */
    String describe(int pending);

    /** Runs every trial of {@code work.todo()}, appending each record to {@code work.store()} as it finishes. */
    void runAll(SearchWork work) throws IOException;
}
