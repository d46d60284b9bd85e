package dl4jrepro.backend;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The backend line names a cap on oneDNN's instruction set, since the cap changes a batch-norm net's figures. */
class OneDnnTest {
    @Test
    void anUncappedLibraryIsNamedAlone() {
        assertEquals("oneDNN", OneDnn.describe(Map.<String, String>of()::get));
        assertEquals("oneDNN", OneDnn.describe(Map.of("ONEDNN_MAX_CPU_ISA", " ")::get), "a blank value caps nothing");
    }

    @Test
    void aCapIsNamedWithTheVariableThatSetIt() {
        assertEquals("oneDNN (ONEDNN_MAX_CPU_ISA=AVX2)", OneDnn.describe(Map.of("ONEDNN_MAX_CPU_ISA", "AVX2")::get));
        assertEquals("oneDNN (DNNL_MAX_CPU_ISA=AVX512_CORE)", OneDnn.describe(Map.of("DNNL_MAX_CPU_ISA", "AVX512_CORE")::get));
        assertEquals("oneDNN (ONEDNN_MAX_CPU_ISA=AVX2)",
                OneDnn.describe(Map.of("ONEDNN_MAX_CPU_ISA", "AVX2", "DNNL_MAX_CPU_ISA", "SSE41")::get),
                "oneDNN reads ONEDNN_MAX_CPU_ISA before DNNL_MAX_CPU_ISA");
    }
}
