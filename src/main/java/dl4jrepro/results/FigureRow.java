package dl4jrepro.results;

import dl4jrepro.spec.ExperimentSpec.Figure;

/**
 * One reproduced figure beside the report's.
 *
 * @param verdict "within" (|reproduced − report| ≤ tolerance), "MISS", "pass"/"FAIL" (against a floor or a ceiling), "diverged" or
 *                "n/a" (nothing to compare with)
 */
public record FigureRow(String name, String metric, Double report, Double reproduced, Double tolerance, Double atLeast,
                        Double atMost, String verdict, String note) {

    static FigureRow of(Figure f, RunRecord run) {
        return of(f, run.metric(f.metric()), "diverged".equals(run.status()));
    }

    /** @param noValueBecauseDiverged whether a missing value means the training diverged */
    public static FigureRow of(Figure f, double value, boolean noValueBecauseDiverged) {
        Double reproduced = Double.isFinite(value) ? value : null;
        String verdict;
        if (reproduced == null) {
            verdict = noValueBecauseDiverged ? "diverged" : "n/a";
        } else if (f.report() != null) {
            verdict = Math.abs(reproduced - f.report()) <= f.tolerance() + 1e-12 ? "within" : "MISS";
        } else if (f.atLeast() != null || f.atMost() != null) {
            boolean ok = (f.atLeast() == null || reproduced >= f.atLeast()) && (f.atMost() == null || reproduced <= f.atMost());
            verdict = ok ? "pass" : "FAIL";
        } else {
            verdict = "n/a";
        }
        return new FigureRow(f.name(), f.metric(), f.report(), reproduced, f.tolerance(), f.atLeast(), f.atMost(), verdict,
                f.note());
    }

    public Double difference() {
        return report == null || reproduced == null ? null : reproduced - report;
    }
}
