package dl4jrepro.results;

import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.ExperimentSpec.Figure;

/**
 * One reproduced figure beside the report's.
 *
 * @param verdict  "within" (|reproduced − report| ≤ tolerance), "MISS", "pass"/"FAIL" (against a floor or a ceiling),
 *                 "diverged" or "n/a" (nothing to compare with, or a tolerance still to be measured)
 * @param spread   where the tolerance was measured (null for a typed tolerance)
 * @param ablation id of the experiment that explains a miss, or null
 * @param ablationFolder its results folder relative to the results root, or null where unknown (quick runs)
 * @param batchSd  for a one-minibatch figure, its sd from one minibatch to the next measured in the run (else null)
 */
public record FigureRow(String name, String metric, Double report, Double reproduced, Double tolerance, Double atLeast,
                        Double atMost, String verdict, String note, SeedSpread spread, String ablation,
                        String ablationFolder, Double batchSd) {

    /** A figure whose table reads no other experiment (checks). */
    public static FigureRow of(Figure f, double value, boolean noValueBecauseDiverged) {
        return of(new StageResults(null), f, value, noValueBecauseDiverged, Double.NaN);
    }

    /**
     * @param stages  the experiments the table's figures name (spreads, ablations); one per table, so a spread shared by
     *                several figures is read once
     * @param batchSd the run's value of the figure's {@code batchSpread} metric (NaN where it has none)
     */
    public static FigureRow of(StageResults stages, Figure f, double value, boolean noValueBecauseDiverged, double batchSd) {
        Double reproduced = Double.isFinite(value) ? value : null;
        SeedSpread spread = f.spread() == null ? null : stages.spread(f.spread());
        Double tolerance = f.spread() != null ? (spread != null && spread.enough() ? spread.tolerance(f) : null)
                : f.batchSpread() != null ? (Double.isFinite(batchSd) ? ExperimentSpec.Spread.Z * batchSd + f.reportRounding() : null)
                : f.tolerance();
        String note = f.note();
        String missing = tolerance != null ? null
                : f.spread() != null ? "run " + f.spread().experiment() + " (" + SeedSpread.MIN_SEEDS + "+ seeds)"
                : f.batchSpread() != null ? "no " + f.batchSpread() + " of one run (run it again; in a search, filter the figure to one trial)" : null;
        if (missing != null) {
            note = "tolerance not measured: " + missing + (note == null || note.isEmpty() ? "" : "; " + note);
        }
        String verdict;
        if (reproduced == null) {
            verdict = noValueBecauseDiverged ? "diverged" : "n/a";
        } else if (f.report() != null) {
            verdict = tolerance == null ? "n/a" : Math.abs(reproduced - f.report()) <= tolerance + 1e-12 ? "within" : "MISS";
        } else if (f.atLeast() != null || f.atMost() != null) {
            boolean ok = (f.atLeast() == null || reproduced >= f.atLeast()) && (f.atMost() == null || reproduced <= f.atMost());
            verdict = ok ? "pass" : "FAIL";
        } else {
            verdict = "n/a";
        }
        return new FigureRow(f.name(), f.metric(), f.report(), reproduced, tolerance, f.atLeast(), f.atMost(), verdict,
                note, spread, f.ablation(), f.ablation() == null ? null : stages.folder(f.ablation()),
                f.batchSpread() != null && Double.isFinite(batchSd) ? batchSd : null);
    }

    public Double difference() {
        return report == null || reproduced == null ? null : reproduced - report;
    }
}
