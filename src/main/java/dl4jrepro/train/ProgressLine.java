package dl4jrepro.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The live line a training run shows: epoch, step, loss, accuracy, samples/s and ETA. On a terminal it redraws in place;
 * in a log (CI, nohup) it prints a line every {@code logEverySeconds}.
 */
public final class ProgressLine {
    private final PrintStream out;
    private final String label;
    private final boolean terminal;
    private final double intervalSeconds;
    private long lastNanos;
    private boolean pending;

    public ProgressLine(PrintStream out, String label) {
        this.out = out;
        this.label = label;
        this.terminal = System.console() != null;
        this.intervalSeconds = terminal ? 0.5 : 15;
        this.lastNanos = System.nanoTime();
    }

    /** Called after every update; draws at most once per interval. */
    public void update(int epoch, int epochs, int step, int steps, double loss, double acc, double samplesPerSecond,
                       double etaSeconds) {
        long now = System.nanoTime();
        if ((now - lastNanos) / 1e9 < intervalSeconds) return;
        lastNanos = now;
        // Before the first evaluation a run scoring only its last batch has no accuracy yet: show a dash, not NaN.
        String accText = Double.isNaN(acc) ? "—" : String.format(Locale.ROOT, "%.3f", acc);
        String line = String.format(Locale.ROOT, "[%s] epoch %d/%d  step %d/%d  loss %.4f  acc %s  %,.0f samples/s  ETA %s",
                label, epoch, epochs, step, steps, loss, accText, samplesPerSecond, eta(etaSeconds));
        if (terminal) {
            out.print("\r" + line + "   ");
            pending = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** A permanent line (an evaluation, a warning), printed below the live line. */
    public void println(String message) {
        if (pending) out.println();
        pending = false;
        out.println("[" + label + "] " + message);
        out.flush();
    }

    public static String eta(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "?";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
