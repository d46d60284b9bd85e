package dl4jrepro.results;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Two stored runs or trials side by side: what differs in how they were made (settings, seed, data, code, backend),
 * how many settings of each kind agree, and their figures with the difference (as Tribuo's ReproUtil diffs two models'
 * provenance).
 */
public final class RunDiff {
    /** A run named by the user and its record. */
    public record Side(String name, RunRecord record) {}

    private RunDiff() {}

    /**
     * Finds a stored run: {@code ID} or a folder (its {@code run.json}), or {@code ID#TRIAL} / {@code FOLDER#TRIAL} (a
     * search's trial by its id or its 1-based number); an ID is looked up under {@code resultsRoot} as {@code run} writes
     * it, stages included ({@code two-layer-grid-001-train}).
     */
    public static Side load(Path resultsRoot, String ref) {
        int hash = ref.indexOf('#');
        String where = hash < 0 ? ref : ref.substring(0, hash);
        Path dir = Files.isDirectory(Path.of(where)) ? Path.of(where) : ResultsStore.folderOf(resultsRoot, where);
        if (hash < 0) {
            Path file = dir.resolve(ResultsStore.RUN);
            if (!Files.isRegularFile(file)) {
                throw new UserError(ref + ": no run.json in " + dir + "; name a single run's id or folder, or a search's "
                        + "trial as ID#TRIAL (its id or number)");
            }
            return new Side(ref, ResultsStore.read(file));
        }
        String trial = ref.substring(hash + 1);
        Map<String, RunRecord> trials = new TrialStore(dir).load();
        if (trials.isEmpty()) throw new UserError(ref + ": no trials.jsonl in " + dir + "; name a search's folder or id");
        for (RunRecord r : trials.values()) {
            if (r.trialId().equals(trial) || trial.matches("\\d+") && r.trialIndex() != null
                    && r.trialIndex() + 1 == Integer.parseInt(trial)) {
                return new Side(ref, r);
            }
        }
        throw new UserError(ref + ": no trial " + trial + " in " + dir.resolve(TrialStore.FILE) + "; give a trial id or a "
                + "number from 1 to the plan's size");
    }

    /** The report, as Markdown. */
    public static String markdown(Side a, Side b) {
        Map<String, Map<String, String>> x = provenance(a.record()), y = provenance(b.record());
        StringBuilder md = new StringBuilder();
        md.append("A: ").append(a.name()).append(" (").append(describe(a.record())).append(")\n");
        md.append("B: ").append(b.name()).append(" (").append(describe(b.record())).append(")\n\n");
        StringBuilder rows = new StringBuilder();
        StringBuilder same = new StringBuilder();
        for (String group : x.keySet()) {
            Map<String, String> gx = x.get(group), gy = y.get(group);
            TreeSet<String> keys = new TreeSet<>(gx.keySet());
            keys.addAll(gy.keySet());
            int equal = 0;
            for (String k : keys) {
                String vx = gx.getOrDefault(k, "—"), vy = gy.getOrDefault(k, "—");
                if (vx.equals(vy)) equal++;
                else rows.append("| ").append(group).append(" | ").append(k).append(" | ").append(vx).append(" | ").append(vy).append(" |\n");
            }
            same.append(same.isEmpty() ? "" : ", ").append(group).append(' ').append(equal).append(" of ").append(keys.size());
        }
        if (rows.isEmpty()) md.append("Made the same way: nothing differs in settings, seed, data, code or backend.\n");
        else md.append("## What differs\n\n| kind | key | A | B |\n|---|---|---|---|\n").append(rows);
        md.append("\nThe same in both: ").append(same).append(".\n\n## Figures\n\n| figure | A | B | B − A |\n|---|---:|---:|---:|\n");
        Map<String, Double> fx = figures(a.record()), fy = figures(b.record());
        TreeSet<String> names = new TreeSet<>(fx.keySet());
        names.addAll(fy.keySet());
        for (String n : names) {
            Double vx = fx.get(n), vy = fy.get(n);
            md.append("| ").append(n).append(" | ").append(num(vx)).append(" | ").append(num(vy)).append(" | ")
                    .append(vx == null || vy == null ? "—" : String.format(Locale.ROOT, "%+.4g", vy - vx)).append(" |\n");
        }
        return md.toString();
    }

    private static String describe(RunRecord r) {
        return r.experiment() + (r.trialIndex() != null ? " trial " + (r.trialIndex() + 1) + ", id " + r.trialId() : "")
                + ", " + r.status() + ", started " + (r.started() == null ? "—" : r.started());
    }

    /** What made a run, by kind: flat keys and their values as text. */
    static Map<String, Map<String, String>> provenance(RunRecord r) {
        Map<String, Map<String, String>> p = new LinkedHashMap<>();
        Map<String, String> settings = new LinkedHashMap<>();
        r.settings().forEach((k, v) -> settings.put(k, text(v)));
        settings.put("seed", String.valueOf(r.seed()));
        settings.put("quick", String.valueOf(r.quick()));
        if (r.budget() != null) r.budget().forEach((k, v) -> settings.put("budget." + k, text(v)));
        p.put("settings", settings);
        p.put("data", flat(r.data()));
        Map<String, String> code = flat(r.software());
        code.put("speedups", String.valueOf(r.speedups()));
        code.put("substitutions", r.substitutions() == null ? "—" : text(r.substitutions()));
        p.put("code", code);
        Map<String, String> backend = flat(r.backend());
        backend.remove("summary");
        p.put("backend", backend);
        return p;
    }

    /** The record's final metrics and its last evaluation's figures. */
    static Map<String, Double> figures(RunRecord r) {
        Map<String, Double> f = new LinkedHashMap<>();
        if (r.finalMetrics() != null) r.finalMetrics().forEach((k, v) -> f.put("final." + k, v));
        if (r.curve() != null && !r.curve().isEmpty()) {
            CurvePoint last = r.curve().get(r.curve().size() - 1);
            for (String c : List.of("train_loss", "train_acc", "val_loss", "val_acc", "test_loss", "test_acc")) {
                double v = r.metric("last." + c);
                if (Double.isFinite(v)) f.put("last." + c, v);
            }
            f.put("last.step", (double) last.step());
        }
        f.put("wall_s", r.wallSeconds());
        return f;
    }

    private static Map<String, String> flat(Map<String, Object> m) {
        Map<String, String> out = new LinkedHashMap<>();
        if (m != null) m.forEach((k, v) -> out.put(k, text(v)));
        return out;
    }

    private static String text(Object v) {
        if (v == null) return "—";
        if (v instanceof String s) return s;
        return Json.canonical(v);
    }

    private static String num(Double v) {
        return v == null ? "—" : String.format(Locale.ROOT, "%.4g", v);
    }
}
