package dl4jrepro.search;

import dl4jrepro.results.RunRecord;
import dl4jrepro.search.TrialPlan.Trial;
import dl4jrepro.train.ProgressLine;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;

/** The search's own progress: trial i of n, finished/diverged/failed counts, and the ETA of the whole search. */
public final class Progress {
    private final String experiment;
    private final int total;
    private final long started = System.nanoTime();
    private int finished, diverged, failed, doneThisRun;
    private int remaining;

    Progress(String experiment, int total, Collection<RunRecord> already, int remaining) {
        this.experiment = experiment;
        this.total = total;
        this.remaining = remaining;
        for (RunRecord r : already) count(r);
    }

    private void count(RunRecord r) {
        count(r.status());
    }

    private void count(String status) {
        switch (status) {
            case "diverged" -> diverged++;
            case "failed" -> failed++;
            default -> finished++;
        }
    }

    public void finished(Trial t, RunRecord r, PrintStream out) {
        finished(t, r.status(), r.wallSeconds(), r.metric("last.val_acc"), out);
        if (r.status().equals("failed")) out.println("[" + experiment + "] trial " + (t.index() + 1) + " failed: " + r.failure());
    }

    synchronized void finished(Trial t, String status, double wallSeconds, double val, PrintStream out) {
        count(status);
        doneThisRun++;
        remaining--;
        double elapsed = (System.nanoTime() - started) / 1e9;
        double eta = elapsed / doneThisRun * remaining;
        out.println(String.format(Locale.ROOT,
                "[%s] trial %d/%d %s%s in %.0f s | %d completed, %d diverged, %d failed | %d left, ETA %s (%.0f trials/hour)",
                experiment, t.index() + 1, total, status,
                Double.isFinite(val) ? String.format(Locale.ROOT, " (val acc %.4f)", val) : "", wallSeconds,
                finished, diverged, failed, remaining, ProgressLine.eta(eta), doneThisRun / elapsed * 3600));
        out.flush();
    }
}
