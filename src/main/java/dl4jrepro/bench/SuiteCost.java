package dl4jrepro.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.results.RunRecord;
import dl4jrepro.search.SearchRunner;
import dl4jrepro.search.TrialPlan;
import dl4jrepro.search.TrialStore;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What reproducing the whole catalogue at full budget costs on this machine, from the committed results themselves:
 * a single run's or a check's wall time, a search's trial wall times summed (a search still running is projected from
 * its finished trials and marked so). Writes {@code results/benchmarks/suite-cost.{md,json}}; trains nothing.
 *
 * <p>Run: {@code REPRO_MAIN=dl4jrepro.bench.SuiteCost ./repro}
 */
public final class SuiteCost {
    /** Issue 8's budget for reproducing the whole catalogue on this machine. */
    static final double TARGET_HOURS = 12;

    /** Searches run as --parallel 2 (two trials at a time on two cores), so their machine time is about half the sum. */
    private static final int PARALLEL = SearchRunner.DEFAULT_PARALLEL;

    private SuiteCost() {}

    public static void main(String[] args) throws Exception {
        ResultsStore store = new ResultsStore(Path.of("results"));
        List<Map<String, Object>> rows = new ArrayList<>();
        double measured = 0, projected = 0;
        List<String> notRun = new ArrayList<>();
        for (ExperimentSpec spec : new SpecCatalog(Path.of("experiments")).all()) {
            Path dir = store.dir(spec, false);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", spec.id());
            row.put("catalogue", spec.catalogue() == null ? "–" : spec.catalogue());
            double hours = Double.NaN;
            String basis;
            if (spec.search() != null) {
                List<TrialPlan.Trial> plan = TrialPlan.expand(spec, false, Map.of(), spec.seed());
                Map<String, RunRecord> done = SearchRunner.current(spec, plan, new TrialStore(dir).load(), false);
                double trialSeconds = done.values().stream().mapToDouble(RunRecord::wallSeconds).sum();
                row.put("trials", plan.size());
                row.put("trials_done", done.size());
                row.put("trial_seconds_sum", trialSeconds);
                if (!done.isEmpty()) hours = trialSeconds * plan.size() / done.size() / PARALLEL / 3600;
                basis = done.size() == plan.size() ? "measured: " + plan.size() + " trials, sum of trial times / " + PARALLEL
                        : done.isEmpty() ? "not run yet" : "PROJECTED from " + done.size() + " of " + plan.size() + " trials";
            } else if (spec.check() != null) {
                Path check = dir.resolve("check.json");
                if (Files.isRegularFile(check)) {
                    JsonNode c = ResultsStore.JSON.readTree(check.toFile());
                    hours = c.path("provenance").path("wall_s").asDouble(Double.NaN) / 3600;
                }
                basis = Double.isNaN(hours) ? "not run yet" : "measured";
            } else {
                if (Files.isRegularFile(dir.resolve(ResultsStore.RUN))) hours = store.load(spec, false).wallSeconds() / 3600;
                basis = Double.isNaN(hours) ? "not run yet" : "measured";
            }
            row.put("hours", hours);
            row.put("basis", basis);
            rows.add(row);
            if (Double.isNaN(hours)) notRun.add(spec.id());
            else if (basis.startsWith("PROJECTED")) projected += hours;
            else measured += hours;
        }
        Map<String, Object> out = BenchmarkFiles.figures("suite-cost", "full-budget wall time of every catalogue "
                + "experiment on this machine, from the committed results", null);
        out.put("experiments", rows);
        out.put("measured_hours", measured);
        out.put("projected_hours", projected);
        out.put("not_run", notRun);
        BenchmarkFiles.write("suite-cost", out, markdown(rows, measured, projected, notRun));
    }

    private static String markdown(List<Map<String, Object>> rows, double measured, double projected, List<String> notRun) {
        StringBuilder md = new StringBuilder("# What the whole catalogue costs on this machine\n\n");
        md.append("Full-budget wall time per experiment, read from the committed results (nothing is trained to make this "
                + "table): a single run's or a check's own wall time; for a search the sum of its trials' wall times "
                + "divided by " + PARALLEL + ", since searches run two trials at a time on the two cores. A search that has "
                + "not finished is projected from its finished trials (PROJECTED). The machine is shared: the same work "
                + "took up to 2–5× longer at busy times.\n\n| experiment | catalogue | hours | basis |\n|---|---|---:|---|\n");
        for (Map<String, Object> r : rows) {
            double h = (double) r.get("hours");
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", r.get("id"), r.get("catalogue"),
                    Double.isNaN(h) ? "—" : String.format(Locale.ROOT, "%.2f", h), r.get("basis")));
        }
        md.append(String.format(Locale.ROOT, "%nTotal: %.1f hours measured + %.1f hours projected = %.1f hours", measured,
                projected, measured + projected));
        md.append(notRun.isEmpty() ? ".\n" : ", without the experiments not run yet: " + String.join(", ", notRun) + ".\n");
        double total = measured + projected;
        md.append(String.format(Locale.ROOT, "%nTarget (issue 8): every table at full budget in under %.0f hours: %s.%n",
                TARGET_HOURS, total < TARGET_HOURS ? "met" : String.format(Locale.ROOT, "MISSED by %.1f hours (%.2f× the target)",
                        total - TARGET_HOURS, total / TARGET_HOURS)));
        md.append("\nRegenerate: `REPRO_MAIN=dl4jrepro.bench.SuiteCost ./repro`\n");
        return md.toString();
    }
}
