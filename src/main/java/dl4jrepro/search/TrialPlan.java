package dl4jrepro.search;

import dl4jrepro.base.Json;
import dl4jrepro.base.Metrics;
import dl4jrepro.base.UserError;
import dl4jrepro.data.Md5;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.spec.ExperimentSpec.Search;
import dl4jrepro.spec.ExperimentSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** The trials of a search, in a fixed order: configurations × grid points × random draws × seeds. */
public final class TrialPlan {
    /**
     * One training: a configuration and a seed.
     *
     * @param id        stable across runs: a hash of the experiment, the budget kind, every override and the seed
     * @param overrides override keys and values on top of the spec (see {@link dl4jrepro.run.ResolvedConfig})
     */
    public record Trial(int index, String id, Map<String, Object> overrides, long seed) {}

    private TrialPlan() {}

    /**
     * @param fixed    {@code --set} overrides, applied to every trial
     * @param baseSeed the first seed ({@code --seed} or the spec's); repeat r uses baseSeed + r
     */
    public static List<Trial> expand(ExperimentSpec spec, boolean quick, Map<String, String> fixed, long baseSeed) {
        Search search = spec.search();
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        if (search.configs() != null && !search.configs().isEmpty()) points = copies(search.configs());
        if (search.grid() != null) {
            for (Map.Entry<String, Object> axis : search.grid().entrySet()) {
                List<Object> values = axisValues(spec.id(), axis.getKey(), axis.getValue());
                List<Map<String, Object>> next = new ArrayList<>();
                for (Map<String, Object> p : points) {
                    for (Object v : values) {
                        Map<String, Object> q = new LinkedHashMap<>(p);
                        q.put(axis.getKey(), v);
                        next.add(q);
                    }
                }
                points = next;
            }
        }
        if (search.random() != null) points = withRandomDraws(spec, points);
        if (search.comparisons() != null) points = comparisonPoints(spec);
        if (Boolean.TRUE.equals(search.crossValidate())) {
            if (spec.data().folds() == null) {
                throw new UserError(spec.id() + ": search.crossValidate needs data.folds (how many folds)");
            }
            List<Map<String, Object>> withFolds = new ArrayList<>();
            for (Map<String, Object> p : points) {
                for (int k = 0; k < spec.data().folds(); k++) {
                    Map<String, Object> q = new LinkedHashMap<>(p);
                    q.put(ResolvedConfig.FOLD, k);
                    withFolds.add(q);
                }
            }
            points = withFolds;
        }
        int seeds = search.seeds() == null ? 1 : search.seeds();
        if (seeds < 1) throw new UserError(spec.id() + ": search.seeds must be at least 1");

        List<Trial> trials = new ArrayList<>();
        for (Map<String, Object> p : points) {
            Map<String, Object> overrides = new LinkedHashMap<>(p);
            overrides.putAll(fixed);
            for (int r = 0; r < seeds; r++) {
                long seed = baseSeed + r;
                trials.add(new Trial(trials.size(), id(spec.id(), quick, overrides, seed), overrides, seed));
            }
        }
        Integer sample = search.quickSample();
        if (quick && sample != null && sample < trials.size()) {
            if (sample < 1) throw new UserError(spec.id() + ": search.quickSample must be at least 1");
            // A seeded random sample: evenly spaced indices would alias with the grid's innermost axes.
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < trials.size(); i++) order.add(i);
            Collections.shuffle(order, new Random(spec.seed()));
            List<Integer> chosen = new ArrayList<>(order.subList(0, sample));
            Collections.sort(chosen);
            List<Trial> spread = new ArrayList<>();
            for (int i : chosen) {
                Trial t = trials.get(i);
                spread.add(new Trial(spread.size(), t.id(), t.overrides(), t.seed()));
            }
            return spread;
        }
        return trials;
    }

    /** The spec itself, then each comparison's values that differ from it, each once. */
    private static List<Map<String, Object>> comparisonPoints(ExperimentSpec spec) {
        List<Map<String, Object>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map<String, List<Object>> comparison : spec.search().comparisons().values()) {
            Map.Entry<String, List<Object>> factor = comparison.entrySet().iterator().next();
            for (Object v : factor.getValue()) {
                if (Metrics.sameValue(spec.hyperparameters().get(factor.getKey()), v)) continue;
                Map<String, Object> p = new LinkedHashMap<>();
                p.put(factor.getKey(), v);
                if (!points.contains(p)) points.add(p);
            }
        }
        return points;
    }

    private static List<Map<String, Object>> copies(List<Map<String, Object>> configs) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> c : configs) out.add(new LinkedHashMap<>(c));
        return out;
    }

    /** A grid axis: a list, or {"linspace": [from, to, n]} / {"logspace": [fromExponent, toExponent, n]} as NumPy has them. */
    static List<Object> axisValues(String experiment, String key, Object axis) {
        if (axis instanceof List<?> list) {
            if (list.isEmpty()) throw new UserError(experiment + ": grid axis " + key + " is empty");
            return new ArrayList<>(list);
        }
        if (axis instanceof Map<?, ?> m && m.size() == 1) {
            String kind = String.valueOf(m.keySet().iterator().next());
            Object args = m.values().iterator().next();
            if ((kind.equals("linspace") || kind.equals("logspace")) && args instanceof List<?> a && a.size() == 3
                    && a.stream().allMatch(x -> x instanceof Number) && ((Number) a.get(2)).intValue() >= 1) {
                double from = ((Number) a.get(0)).doubleValue(), to = ((Number) a.get(1)).doubleValue();
                int n = ((Number) a.get(2)).intValue();
                List<Object> values = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    double t = n == 1 ? from : from + (to - from) * i / (n - 1);
                    values.add(kind.equals("linspace") ? t : Math.pow(10, t));
                }
                return values;
            }
        }
        throw new UserError(experiment + ": grid axis " + key + " must be a list of values, {\"linspace\": [from, to, n]} "
                + "or {\"logspace\": [fromExponent, toExponent, n]}; got " + axis);
    }

    private static List<Map<String, Object>> withRandomDraws(ExperimentSpec spec, List<Map<String, Object>> points) {
        ExperimentSpec.RandomSearch random = spec.search().random();
        if (random.n() < 1 || random.ranges() == null || random.ranges().isEmpty()) {
            throw new UserError(spec.id() + ": search.random needs n ≥ 1 and at least one range");
        }
        Random rng = new Random(random.seed() != null ? random.seed() : spec.seed());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> p : points) {
            for (int i = 0; i < random.n(); i++) {
                Map<String, Object> q = new LinkedHashMap<>(p);
                for (Map.Entry<String, ExperimentSpec.Range> r : new TreeMap<>(random.ranges()).entrySet()) {
                    q.put(r.getKey(), draw(spec.id(), r.getKey(), r.getValue(), rng));
                }
                out.add(q);
            }
        }
        return out;
    }

    private static Object draw(String experiment, String key, ExperimentSpec.Range r, Random rng) {
        boolean log = Boolean.TRUE.equals(r.log());
        if (!(r.max() >= r.min()) || log && r.min() <= 0) {
            throw new UserError(experiment + ": random range of " + key + " must have 0 < min ≤ max (log) or min ≤ max");
        }
        double u = rng.nextDouble();
        double v = log ? Math.exp(Math.log(r.min()) + u * (Math.log(r.max()) - Math.log(r.min())))
                : r.min() + u * (r.max() - r.min());
        return Boolean.TRUE.equals(r.integer()) ? (Object) (int) Math.round(v) : (Object) v;
    }

    static String id(String experiment, boolean quick, Map<String, Object> overrides, long seed) {
        try {
            Map<String, Object> identity = new TreeMap<>();
            identity.put("experiment", experiment);
            identity.put("budget", quick ? "quick" : "full");
            identity.put("overrides", new TreeMap<>(overrides));
            identity.put("seed", seed);
            return Md5.of(Json.CANONICAL.writeValueAsBytes(identity)).substring(0, 12);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
