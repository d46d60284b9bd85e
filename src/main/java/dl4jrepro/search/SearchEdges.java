package dl4jrepro.search;

import dl4jrepro.results.RunRecord;
import dl4jrepro.search.TrialPlan.Trial;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Whether a search's best trial sits on the edge of a searched axis: then the best value may lie beyond it, and the
 * axis wants extending in that direction before the search's best is trusted (the deep-learning tuning playbook's
 * check of a search space's boundaries). Only numeric axes with at least three values count: with two, every value
 * is an edge.
 */
final class SearchEdges {
    static final int MIN_VALUES = 3;

    private SearchEdges() {}

    /**
     * One line per axis on whose edge the best trial sits, e.g. "lr: the best trial has 0.1, the largest value searched
     * (0.001 – 0.1); extend lr above 0.1"; empty when no trial has a finite score.
     *
     * @param best the best trial by the table's ranking, or null
     */
    static List<String> warnings(List<Trial> plan, List<String> axes, RunRecord best) {
        List<String> out = new ArrayList<>();
        if (best == null) return out;
        for (String axis : axes) {
            TreeSet<Double> values = new TreeSet<>();
            boolean numeric = true;
            for (Trial t : plan) {
                Object v = t.overrides().get(axis);
                if (v instanceof Number n) values.add(n.doubleValue());
                else numeric = numeric && v == null;
            }
            Object mine = best.settings().get(axis);
            if (!numeric || values.size() < MIN_VALUES || !(mine instanceof Number n)) continue;
            double v = n.doubleValue();
            boolean low = Objects.equals(v, values.first()), high = Objects.equals(v, values.last());
            if (!low && !high) continue;
            out.add(String.format(Locale.ROOT, "%s: the best trial has %s, the %s value searched (%s – %s); extend %s %s %s",
                    axis, SearchTable.value(v), low ? "smallest" : "largest", SearchTable.value(values.first()),
                    SearchTable.value(values.last()), axis, low ? "below" : "above", SearchTable.value(v)));
        }
        return out;
    }
}
