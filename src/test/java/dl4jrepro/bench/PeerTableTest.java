package dl4jrepro.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** latest.md names which models ran on which BLAS, since the project picks the library per model. */
class PeerTableTest {
    static Map<String, Object> row(String model, String dl4jBlas) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", model);
        r.put("threads", 1);
        r.put("ratio_median", 1.1);
        r.put("rss_ratio", 1.2);
        r.put("dl4j_blas", dl4jBlas);
        r.put("pytorch_blas", "OpenBLAS 0.3.21");
        return r;
    }

    @Test
    void eachBlasSetupNamesTheModelsThatRanOnIt() {
        String md = PeerTable.markdown(List.of(row("dense_a", "Intel MKL"), row("cnn", "OpenBLAS 0.3.21-1.5.8"),
                        row("dense_b", "Intel MKL")), Map.of("n", 2048), Map.of(), 3, 3, "env", Map.of(),
                Path.of("models.json"), "", null);
        assertTrue(md.contains("- dense_a, dense_b: DL4J: Intel MKL; PyTorch: OpenBLAS 0.3.21\n"), md);
        assertTrue(md.contains("- cnn: DL4J: OpenBLAS 0.3.21-1.5.8; PyTorch: OpenBLAS 0.3.21\n"), md);
        assertFalse(md.contains("- DL4J:"), md);
    }
}
