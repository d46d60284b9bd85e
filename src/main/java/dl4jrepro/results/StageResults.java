package dl4jrepro.results;

import dl4jrepro.spec.ExperimentSpec.Spread;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The other experiments one table's figures name, under one results root: the repeats a spread is measured on, each
 * read once however many figures share it, and the folders of ablations to link. With no root (a quick run, a check)
 * there is nothing to read: spreads are unmeasured and ablations are named without a link. An ablation not yet run under
 * the root is named without a link too, since no folder would be the right target until it runs.
 */
public final class StageResults {
    private final Path root;
    private final Map<Spread, SeedSpread> spreads = new HashMap<>();

    /** @param root the results root, or null for a table that reads no other experiment */
    public StageResults(Path root) {
        this.root = root;
    }

    /** The measured spread, or null with no root. */
    SeedSpread spread(Spread spread) {
        return root == null ? null : spreads.computeIfAbsent(spread, s -> SeedSpread.measure(root, s));
    }

    /**
     * An experiment's results folder relative to the root, or null with no root or no table there yet
     * ({@link ReportTable#hasTable}, as ReportTable's list of stages).
     */
    String folder(String id) {
        if (root == null) return null;
        Path dir = ResultsStore.folderOf(root, id);
        return ReportTable.hasTable(dir) ? root.relativize(dir).toString().replace('\\', '/') : null;
    }
}
