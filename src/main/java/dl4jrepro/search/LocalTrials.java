package dl4jrepro.search;

import dl4jrepro.base.UserError;
import dl4jrepro.results.RunRecord;
import dl4jrepro.run.TrialRunner;
import dl4jrepro.search.TrialPlan.Trial;

import java.io.IOException;

/**
 * Trials on this machine: one after another in this process, or with {@code --parallel k > 1} in k worker processes
 * ({@link WorkerPool}), never more workers than trials to run.
 */
public final class LocalTrials implements TrialExecutor {
    private final int parallel;

    public LocalTrials(int parallel) {
        if (parallel < 1) throw new UserError("--parallel " + parallel + ": use 1 or more");
        this.parallel = parallel;
    }

    private int workers(int pending) {
        return Math.max(1, Math.min(parallel, pending));
    }

    @Override
    public String describe(int pending) {
        return workers(pending) > 1 ? " in " + workers(pending) + " worker processes" : "";
    }

    @Override
    public void runAll(SearchWork w) throws IOException {
        if (workers(w.todo().size()) > 1) {
            new WorkerPool(w.spec(), w.request(), workers(w.todo().size()), w.progress(), w.out()).runAll(w.todo());
            return;
        }
        TrialRunner runner = new TrialRunner(w.backend(), w.speedups(), w.data(), w.out(), w.request().ui());
        for (Trial t : w.todo()) {
            RunRecord r = SearchRunner.runAndStore(runner, w.spec(), w.request(), t, w.plan().size(), w.dir(), w.store());
            w.progress().finished(t, r, w.out());
        }
    }
}
