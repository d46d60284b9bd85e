package dl4jrepro.spec;

import dl4jrepro.base.UserError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resolved hyperparameters of one run: the spec's values with {@code --set} overrides applied. Overrides are parsed
 * by the type of the value they replace, so {@code --set lr=abc} fails before anything runs.
 */
public final class Hyperparameters {
    private final String experimentId;
    private final Map<String, Object> values;

    public Hyperparameters(String experimentId, Map<String, Object> values) {
        this.experimentId = experimentId;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /**
     * Applies overrides; every key must already exist in the spec. A value given as text (from {@code --set}) is parsed
     * by the type of the value it replaces; a typed value (from a search grid) must have that type.
     */
    public Hyperparameters with(Map<String, ?> overrides) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        overrides.forEach((key, value) -> {
            if (!values.containsKey(key)) {
                throw new UserError((value instanceof String ? "--set " + key + "=" + value : "override " + key + "=" + value)
                        + ": " + experimentId + " has no hyperparameter '" + key + "'; known: "
                        + String.join(", ", values.keySet()));
            }
            copy.put(key, value instanceof String text ? parseLike(values.get(key), key, text) : checkLike(values.get(key), key, value));
        });
        return new Hyperparameters(experimentId, copy);
    }

    /**
     * Refuses a key the model family does not read (a typo would otherwise train the default silently), naming the
     * nearest known key.
     */
    public void checkKnown(Set<String> known) {
        for (String key : values.keySet()) {
            if (known.contains(key)) continue;
            String nearest = known.stream().min(Comparator.comparingInt((String k) -> distance(key, k))
                    .thenComparing(Comparator.naturalOrder())).orElse("");
            throw new UserError(experimentId + ": unknown hyperparameter '" + key + "'" + (distance(key, nearest) <= 3
                    ? "; did you mean '" + nearest + "'?" : "; known: " + String.join(", ", new TreeSet<>(known))));
        }
    }

    /** Edit distance: insertions, deletions and substitutions, each 1. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private Object checkLike(Object current, String key, Object value) {
        boolean same = current instanceof Number ? value instanceof Number
                : current instanceof List<?> ? value instanceof List<?> : current.getClass().isInstance(value);
        if (!same) {
            throw new UserError(experimentId + ": override " + key + "=" + value + " does not match the spec's " + current);
        }
        return current instanceof Double && value instanceof Number n ? n.doubleValue() : value;
    }

    private static Object parseLike(Object current, String key, String text) {
        String hint = "--set " + key + "=" + text + ": ";
        try {
            if (current instanceof Integer || current instanceof Long) {
                return Integer.valueOf(text.trim());
            }
            if (current instanceof Number) {
                double d = Double.parseDouble(text.trim());
                if (!Double.isFinite(d)) throw new NumberFormatException();
                return d;
            }
            if (current instanceof Boolean) {
                if (!text.equals("true") && !text.equals("false")) throw new NumberFormatException();
                return Boolean.valueOf(text);
            }
            if (current instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof List<?>) {
                List<List<Integer>> nested = new com.fasterxml.jackson.databind.ObjectMapper().readValue(text,
                        new com.fasterxml.jackson.core.type.TypeReference<List<List<Integer>>>() {});
                if (nested == null || nested.stream().anyMatch(b -> b == null || b.contains(null))) throw new NumberFormatException();
                return nested;
            }
            if (current instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String) {
                return List.of(text.trim().replaceAll("^\\[|\\]$", "").split("\\s*,\\s*"));
            }
            if (current instanceof List<?>) {
                List<Object> list = new ArrayList<>();
                String body = text.trim().replaceAll("^\\[|\\]$", "");
                if (!body.isBlank()) {
                    for (String part : body.split(",")) list.add(Integer.valueOf(part.trim()));
                }
                return list;
            }
        } catch (NumberFormatException | com.fasterxml.jackson.core.JsonProcessingException e) {
            String kind = current instanceof Integer || current instanceof Long ? "a whole number"
                    : current instanceof Number ? "a number" : current instanceof Boolean ? "true or false"
                    : current instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof List<?>
                    ? "a list of lists of whole numbers, e.g. [[32,64]]" : "a comma-separated list of whole numbers";
            throw new UserError(hint + "'" + text + "' is not " + kind + " (" + key + " is " + current + " in the spec)");
        }
        return text;
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public double getDouble(String key) {
        Object v = require(key);
        if (!(v instanceof Number n)) throw invalid(key, v, "a number");
        return n.doubleValue();
    }

    public double getDouble(String key, double fallback) {
        return has(key) ? getDouble(key) : fallback;
    }

    public int getInt(String key) {
        Object v = require(key);
        if (!(v instanceof Integer || v instanceof Long)) throw invalid(key, v, "a whole number");
        return ((Number) v).intValue();
    }

    public boolean getBoolean(String key) {
        Object v = require(key);
        if (!(v instanceof Boolean b)) throw invalid(key, v, "true or false");
        return b;
    }

    public String getString(String key) {
        Object v = require(key);
        if (!(v instanceof String s)) throw invalid(key, v, "a string");
        return s;
    }

    public List<Integer> getIntList(String key) {
        Object v = require(key);
        if (!(v instanceof List<?> list)) throw invalid(key, v, "a list of whole numbers");
        List<Integer> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Integer || o instanceof Long)) throw invalid(key, v, "a list of whole numbers");
            out.add(((Number) o).intValue());
        }
        return out;
    }

    /** A list of numbers, such as one regularisation strength per layer. */
    public List<Double> getDoubleList(String key) {
        Object v = require(key);
        if (!(v instanceof List<?> list) || !list.stream().allMatch(o -> o instanceof Number)) {
            throw invalid(key, v, "a list of numbers");
        }
        return list.stream().map(o -> ((Number) o).doubleValue()).toList();
    }

    /** A list of names, such as one activation per hidden layer. */
    public List<String> getStrings(String key) {
        Object v = require(key);
        if (!(v instanceof List<?> list) || !list.stream().allMatch(o -> o instanceof String)) {
            throw invalid(key, v, "a list of names");
        }
        return list.stream().map(String.class::cast).toList();
    }

    /** A list of lists of whole numbers, such as a CNN's blocks of filter counts [[32, 64], [128]]. */
    public List<List<Integer>> getIntLists(String key) {
        Object v = require(key);
        if (!(v instanceof List<?> outer)) throw invalid(key, v, "a list of lists of whole numbers");
        List<List<Integer>> out = new ArrayList<>();
        for (Object o : outer) {
            if (!(o instanceof List<?> inner)) throw invalid(key, v, "a list of lists of whole numbers");
            List<Integer> row = new ArrayList<>();
            for (Object x : inner) {
                if (!(x instanceof Integer || x instanceof Long)) throw invalid(key, v, "a list of lists of whole numbers");
                row.add(((Number) x).intValue());
            }
            out.add(row);
        }
        return out;
    }

    /** Throws a one-line error unless {@code ok}: for ranges a family checks before any training. */
    public void check(boolean ok, String key, String requirement) {
        if (!ok) {
            throw new UserError(experimentId + ": hyperparameter " + key + "=" + values.get(key) + " is impossible: "
                    + requirement + " (fix the spec or the --set value)");
        }
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new UserError(experimentId + ": the spec is missing hyperparameter '" + key + "'");
        }
        return v;
    }

    private UserError invalid(String key, Object v, String expected) {
        return new UserError(experimentId + ": hyperparameter " + key + "=" + v + " must be " + expected);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
