package dl4jrepro.bench;

import dl4jrepro.bench.SuiteCost.Cost;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The suite-cost table in Markdown: committed figures, and beside them (when there are reruns) today's code's. */
final class SuiteCostTable {
    private SuiteCostTable() {}

    /**
     * @param committed [measured, projected] hours of the committed results
     * @param current   the same with reruns taking the place of committed figures where there are some, or null
     */
    static String markdown(List<Map<String, Object>> rows, double[] committed, double[] current, Path rerunDir,
                           int parallel, double targetHours, double[] onWorkers) {
        boolean reruns = current != null;
        StringBuilder md = new StringBuilder("# What the whole catalogue costs on this machine\n\n");
        md.append("Full-budget wall time per experiment, read from results already made (nothing is trained to make this "
                + "table): a single run's or a check's own wall time; for a search the sum of its trials' wall times "
                + "divided by " + parallel + ", since searches run two trials at a time on the two cores. Unfinished work "
                + "is projected (PROJECTED): a search from its finished trials, which run in a seeded random order (the trials "
                + "still to run at their mean training and evaluation time plus their median set-up time, since each "
                + "worker's first trial also loads the data); a single run from the wall time and epochs of its last "
                + "checkpoint. The machine is shared: the same work took up to "
                + "2–5× longer at busy times, and the rows were not all measured on one processor: machines of this "
                + "kind named alike (\"AMD EPYC\") have differed widely in their matrix-product rate (the peer "
                + "benchmark's square product, latest.md and its history); records made from a3f1998 on name the CPU's family and "
                + "model in their backend line. Code: the git commits that made the figures.\n");
        if (reruns) {
            md.append("\nToday's code: reruns into `" + rerunDir + "`, run to the end or, when stopped before it, "
                    + "projected as above (the basis says which); an "
                    + "experiment without a rerun keeps its committed figure in the total, and a finished committed run "
                    + "whose every segment's code contains the rerun's commits replaces the rerun. Speed-up: committed "
                    + "hours over today's.\n");
        }
        md.append("\nOn N workers: the committed figures' work spread over N one-core workers (a Spark cluster running the "
                + "experiment with --spark), projected from the measured time of each trial: the longest trial first, each "
                + "onto the least loaded worker. A single run or check is one piece of work and gains nothing. Spark's own "
                + "cost per trial is measured in [spark.md](spark.md).\n");
        StringBuilder workers = new StringBuilder(), align = new StringBuilder();
        for (int n : SuiteCost.WORKERS) {
            workers.append(" on ").append(n).append(" |");
            align.append("---:|");
        }
        md.append(reruns
                ? "\n| experiment | catalogue | committed: hours | basis | code |" + workers
                  + " today's code: hours | basis | code | speed-up |\n|---|---|---:|---|---|" + align + "---:|---|---|---:|\n"
                : "\n| experiment | catalogue | hours | basis | code |" + workers + "\n|---|---|---:|---|---|" + align + "\n");
        for (Map<String, Object> r : rows) {
            Cost before = (Cost) r.get("committed");
            md.append("| ").append(r.get("id")).append(" | ").append(r.get("catalogue")).append(" | ").append(cells(before));
            for (int n : SuiteCost.WORKERS) {
                md.append(" | ").append(before.known() ? String.format(Locale.ROOT, "%.2f", before.hoursOn(n)) : "—");
            }
            if (reruns) {
                Cost now = (Cost) r.get("rerun");
                md.append(" | ").append(cells(now)).append(" | ").append(before.known() && now.known()
                        ? String.format(Locale.ROOT, "%.2f×", before.hours() / now.hours()) : "—");
            }
            md.append(" |\n");
        }
        md.append('\n').append(total("Committed results", committed, targetHours));
        md.append("\nThe same work on N workers, one experiment after another:");
        for (int i = 0; i < SuiteCost.WORKERS.length; i++) {
            md.append(String.format(Locale.ROOT, "%s %d workers %.1f hours", i == 0 ? "" : ",", SuiteCost.WORKERS[i], onWorkers[i]));
        }
        md.append(".\n");
        if (reruns) md.append('\n').append(total("Today's code (reruns where made, committed figures elsewhere)", current, targetHours));
        md.append("\nRegenerate: `src/bench/run SuiteCost").append(reruns ? " --rerun " + rerunDir : "")
                .append("`").append(reruns ? "; the reruns: `./repro --results-dir " + rerunDir
                        + " run ID --data-dir DIR` per experiment, resumed by running it again if stopped" : "")
                .append('\n');
        return md.toString();
    }

    private static String cells(Cost c) {
        return (c.known() ? String.format(Locale.ROOT, "%.2f", c.hours()) : "—") + " | " + c.basis() + " | "
                + String.join(", ", c.commits());
    }

    private static String total(String what, double[] hours, double targetHours) {
        double sum = hours[0] + hours[1];
        return String.format(Locale.ROOT, "%s: %.1f hours measured + %.1f hours projected = %.1f hours. Target (issue 8), "
                + "every table at full budget in under %.0f hours: %s.%n", what, hours[0], hours[1], sum, targetHours,
                sum < targetHours ? "met" : String.format(Locale.ROOT, "MISSED by %.1f hours (%.2f× the target)",
                        sum - targetHours, sum / targetHours));
    }
}
