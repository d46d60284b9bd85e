package dl4jrepro.backend;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The backend line names a cap on oneDNN's instruction set, since the cap changes the figures a net trains to. */
class OneDnnTest {
    @Test
    void anUncappedLibraryIsNamedAlone() {
        assertEquals("oneDNN", OneDnn.describe(Map.<String, String>of()::get));
        assertEquals("oneDNN", OneDnn.describe(Map.of("DNNL_MAX_CPU_ISA", " ")::get), "a blank value caps nothing");
        assertEquals("oneDNN", OneDnn.describe(Map.of("ONEDNN_MAX_CPU_ISA", "AVX2")::get),
                "the newer releases' name, which this build does not read");
    }

    @Test
    void aCapIsNamedWithItsValue() {
        assertEquals("oneDNN (DNNL_MAX_CPU_ISA=AVX2)", OneDnn.describe(Map.of("DNNL_MAX_CPU_ISA", "AVX2")::get));
        assertEquals("oneDNN (DNNL_MAX_CPU_ISA=AVX512_CORE)",
                OneDnn.describe(Map.of("DNNL_MAX_CPU_ISA", "AVX512_CORE", "ONEDNN_MAX_CPU_ISA", "AVX2")::get));
    }
}
