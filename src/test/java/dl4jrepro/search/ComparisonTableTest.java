package dl4jrepro.search;

import dl4jrepro.base.CurvePoint;
import dl4jrepro.results.RunRecord;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.spec.SpecCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** With seeds, a factor's setting is a mean ± sd, and its difference from the spec's own setting is judged by its spread. */
class ComparisonTableTest {
    @TempDir Path dir;

    static RunRecord run(int seed, Map<String, Object> overrides, double valAcc) {
        return RunRecord.builder().experiment("mnist-cnn-003-comparisons").title("x").family("CnnFamily").status("completed")
                .command("run x").trialIndex(seed).trialId("t" + seed + overrides).seed(seed).overrides(overrides)
                .hyperparameters(Map.of()).budget(Map.of("epochs", 3)).data(Map.of()).backend(Map.of()).software(Map.of())
                .wallSeconds(1).trainSeconds(1).samplesPerSecond(1).parameters(1)
                .curve(List.of(new CurvePoint(10, 1, 1, 0.5, 1, valAcc, 1, 0.5, 0.01, 1))).finalMetrics(Map.of()).build();
    }

    @Test
    void aDifferenceCountsOnlyBeyondTheSeedsSpread() throws IOException {
        ExperimentSpec spec = new SpecCatalog(Path.of("experiments")).load("mnist-cnn-003-comparisons");
        List<RunRecord> rows = new ArrayList<>();
        double[] base = {0.990, 0.991, 0.992}, oneLayer = {0.980, 0.981, 0.979}, dense128 = {0.990, 0.992, 0.988};
        for (int i = 0; i < 3; i++) {
            rows.add(run(42 + i, Map.of(), base[i]));
            rows.add(run(42 + i, Map.of("blocks", List.of(List.of(32))), oneLayer[i]));
            rows.add(run(42 + i, Map.of("dense", List.of(128)), dense128[i]));
        }
        rows.add(run(42, Map.of("batch", 16), 0.95));
        StringBuilder md = new StringBuilder();
        ComparisonTable.write(md, spec, dir, rows);
        String table = md.toString();
        assertTrue(table.contains("| [[32]] | 0.9800 ± 0.0010 (3) |"), table);
        assertTrue(table.contains("| -0.0110 | yes | 3 completed |"), "1 conv layer: 0.011 below, sd of the difference 0.0008");
        assertTrue(table.contains("| [128] | 0.9900 ± 0.0020 (3) |") && table.contains("| -0.0010 | no | 3 completed |"),
                "dense 128: 0.001 below, within its spread");
        assertTrue(table.contains("| one seed: not known | 1 completed |"), "batch 16 has one run: no spread of its own");
        assertTrue(table.contains("not run yet"), "settings without trials say so");
    }
}
