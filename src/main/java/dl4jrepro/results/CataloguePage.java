package dl4jrepro.results;

import com.fasterxml.jackson.databind.JsonNode;
import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.Json;
import dl4jrepro.spec.ExperimentSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docs/catalogue.md}: every experiment with the report section it reproduces, what it trains, and each of its
 * figures beside the report's with the verdict, opened by a scoreboard of verdicts per report. Built from the specs and
 * the committed {@code summary.json} files only, so {@code ./repro catalogue} rewrites it byte for byte.
 */
public final class CataloguePage {
    public static final Path DEFAULT = Path.of("docs", "catalogue.md");
    private static final Pattern REPORT = Pattern.compile("report (\\d{3})");
    /** The verdicts a scoreboard counts, in its columns' order. */
    public static final List<String> VERDICTS = List.of("within", "MISS", "pass", "FAIL", "diverged", "n/a");
    /** The project's own experiments (the quick start, the spreads), which reproduce no report section. */
    private static final String OWN = "own";

    private CataloguePage() {}

    /** The report an experiment reproduces: the first named in its source, or {@link #OWN}. */
    public static String reportOf(ExperimentSpec spec) {
        Matcher m = REPORT.matcher(spec.source() == null ? "" : spec.source());
        return m.find() ? m.group(1) : OWN;
    }

    /**
     * Writes the page of {@code specs} and the results under {@code resultsRoot} to {@code page}, crash-safe, unless it
     * already says that.
     *
     * @return whether the file changed
     */
    public static boolean write(List<ExperimentSpec> specs, Path resultsRoot, Path page) throws IOException {
        String md = markdown(specs, resultsRoot, page);
        if (Files.isRegularFile(page) && md.equals(Files.readString(page))) return false;
        if (page.getParent() != null) Files.createDirectories(page.getParent());
        AtomicFiles.write(page, md);
        return true;
    }

    /**
     * @param page where the page goes, for its links: relative from there to {@code resultsRoot}
     */
    public static String markdown(List<ExperimentSpec> specs, Path resultsRoot, Path page) throws IOException {
        Map<String, List<ExperimentSpec>> byReport = new TreeMap<>(Comparator.comparing((String r) -> r.equals(OWN)).thenComparing(r -> r));
        for (ExperimentSpec s : specs) byReport.computeIfAbsent(reportOf(s), k -> new ArrayList<>()).add(s);
        Path base = page.toAbsolutePath().normalize().getParent();
        String toResults = base.relativize(resultsRoot.toAbsolutePath().normalize()).toString().replace('\\', '/');

        Map<String, Map<String, Integer>> board = new LinkedHashMap<>();
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, List<ExperimentSpec>> report : byReport.entrySet()) {
            String r = report.getKey();
            body.append("\n## ").append(r.equals(OWN) ? "The project's own experiments" : "Report " + r).append("\n");
            Map<String, Integer> counts = board.computeIfAbsent(r, k -> new LinkedHashMap<>());
            List<ExperimentSpec> ordered = new ArrayList<>(report.getValue());
            ordered.sort(Comparator.comparing(CataloguePage::catalogueOrder).thenComparing(ExperimentSpec::id));
            for (ExperimentSpec s : ordered) experiment(body, s, resultsRoot, toResults, counts);
        }

        StringBuilder md = new StringBuilder();
        md.append("# Catalogue and scoreboard\n\n")
                .append("Every experiment, the report section it reproduces and each of its figures beside the report's. ")
                .append("Written by `./repro catalogue` from `experiments/*.json` and the committed `results/**/summary.json`; ")
                .append("edit those, not this page (a test fails when the two disagree).\n\n")
                .append("## Scoreboard\n\n")
                .append("Verdicts of the full-budget results, per report. An ablation's own rows (each variant held against the ")
                .append("report, to explain a miss) are left out; the figure they explain is counted in its experiment.\n\n")
                .append("| report | ").append(String.join(" | ", VERDICTS)).append(" | experiments |\n")
                .append("|---|").append("---:|".repeat(VERDICTS.size())).append("---:|\n");
        Map<String, Integer> total = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Integer>> e : board.entrySet()) {
            scoreRow(md, e.getKey().equals(OWN) ? "own" : e.getKey(), e.getValue(), byReport.get(e.getKey()).size());
            e.getValue().forEach((k, v) -> total.merge(k, v, Integer::sum));
        }
        scoreRow(md, "**all**", total, specs.size());
        md.append("\n- **within**: the reproduced figure is no further from the report's than the tolerance, which is a measured ")
                .append("spread (seeds, or minibatches) where the spec names one; **MISS**: further; each MISS names the ")
                .append("ablation that tests an explanation.\n")
                .append("- **pass** / **FAIL**: a bound the report implies (at least, at most) is met or not.\n")
                .append("- **n/a**: a figure set beside the report's without a verdict (no tolerance, or no report figure).\n");
        md.append(body);
        return md.toString();
    }

    /** A2 before A10; experiments outside the catalogue last. */
    /**
     * Whether a figure of experiment {@code s}'s summary counts on the scoreboard: all but an ablation's own rows (each
     * variant held against the report, to explain a miss), whose figure is counted in the experiment it explains.
     */
    public static boolean counted(ExperimentSpec s, JsonNode figure) {
        return !s.id().equals(figure.path("ablation").asText(null));
    }

    private static String catalogueOrder(ExperimentSpec s) {
        String c = s.catalogue();
        if (c == null || !c.matches("[A-Z]\\d+")) return "~" + (c == null ? "" : c);
        return c.charAt(0) + String.format(java.util.Locale.ROOT, "%03d", Integer.parseInt(c.substring(1)));
    }

    private static void scoreRow(StringBuilder md, String report, Map<String, Integer> counts, int experiments) {
        md.append("| ").append(report).append(" |");
        for (String v : VERDICTS) md.append(' ').append(counts.getOrDefault(v, 0)).append(" |");
        md.append(' ').append(experiments).append(" |\n");
    }

    private static void experiment(StringBuilder md, ExperimentSpec s, Path resultsRoot, String toResults,
                                   Map<String, Integer> counts) throws IOException {
        Path summary = resultsRoot.resolve(s.resultsPath()).resolve("summary.json");
        String link = toResults + "/" + s.resultsPath() + "/table.md";
        md.append("\n### ").append(s.catalogue() == null ? "" : s.catalogue() + " · ").append('`').append(s.id()).append("`\n\n")
                .append(s.title()).append(".  \n")
                .append("Reproduces: ").append(s.source()).append(" · ").append(kind(s));
        if (!Files.isRegularFile(summary)) {
            md.append(" · no committed results yet (`./repro run ").append(s.id()).append("`)\n");
            return;
        }
        md.append(" · [table](").append(link).append(")\n\n");
        JsonNode figures = Json.MAPPER.readTree(summary.toFile()).path("figures");
        if (figures.isEmpty()) {
            md.append("No report figures: its table sets its runs side by side.\n");
            return;
        }
        md.append("| figure | report | reproduced | tolerance | verdict |\n|---|---:|---:|---:|---|\n");
        for (JsonNode f : figures) {
            String verdict = f.path("verdict").asText();
            boolean ownVariant = !counted(s, f);
            if (!ownVariant) counts.merge(verdict, 1, Integer::sum);
            md.append("| ").append(f.path("name").asText()).append(" | ").append(ReportTable.num(number(f, "report")))
                    .append(" | ").append(ReportTable.num(number(f, "reproduced"))).append(" | ").append(tolerance(f))
                    .append(" | ").append(verdict.equals("MISS") || verdict.equals("FAIL") ? "**" + verdict + "**" : verdict);
            String ablation = f.path("ablation").asText(null);
            if (ablation != null && !ownVariant) md.append(" (ablation `").append(ablation).append("`)");
            md.append(" |\n");
        }
    }

    private static String kind(ExperimentSpec s) {
        return switch (s.kind()) {
            case CHECK -> "check";
            case RUN -> "single run";
            case SEARCH -> "search";
        };
    }

    private static Double number(JsonNode f, String field) {
        JsonNode v = f.path(field);
        return v.isNumber() ? v.asDouble() : null;
    }

    private static String tolerance(JsonNode f) {
        if (number(f, "tolerance") != null) return "± " + ReportTable.num(number(f, "tolerance"));
        if (number(f, "at_least") != null) return "≥ " + ReportTable.num(number(f, "at_least"));
        if (number(f, "at_most") != null) return "≤ " + ReportTable.num(number(f, "at_most"));
        return "";
    }
}
