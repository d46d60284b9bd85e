package dl4jrepro.backend;

import dl4jrepro.base.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlasLibraryTest {
    @Test
    void readsTheVersionFromTheRealFileName() {
        assertEquals("0.3.21", BlasLibrary.version(Path.of("/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblasp-r0.3.21.so")));
        assertEquals("0.3.26", BlasLibrary.version(Path.of("/usr/lib64/libopenblas-r0.3.26.so")));
        assertEquals("", BlasLibrary.version(Path.of("/usr/lib/libopenblas.so.0")));
    }

    @Test
    void comparesVersionsNumerically() {
        assertTrue(BlasLibrary.newer("0.3.21", "0.3.19"));
        assertTrue(BlasLibrary.newer("0.3.100", "0.3.19"));
        assertTrue(BlasLibrary.newer("0.4.0", "0.3.19"));
        assertFalse(BlasLibrary.newer("0.3.19", "0.3.19"));
        assertFalse(BlasLibrary.newer("0.3.9", "0.3.19"));
        assertFalse(BlasLibrary.newer("", "0.3.19"));
    }

    @Test
    void findsTheFirstFolderWithTheLibraryThroughItsLinks(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty")), lib = Files.createDirectories(dir.resolve("lib"));
        Path real = Files.writeString(Files.createDirectories(lib.resolve("openblas-pthread")).resolve("libopenblasp-r0.3.21.so"), "");
        Files.createSymbolicLink(lib.resolve("libopenblas.so.0"), real);
        Files.createSymbolicLink(empty.resolve("libopenblas.so.0"), dir.resolve("gone.so"));  // dangling: skipped
        assertEquals(real.toRealPath(), BlasLibrary.systemLibrary(List.of(empty.toString(), lib.toString())).orElseThrow());
        assertTrue(BlasLibrary.systemLibrary(List.of(empty.toString())).isEmpty());
    }

    @Test
    void refusesAnUnknownChoiceInOneLine() {
        String before = System.getProperty(BlasLibrary.PROPERTY);
        System.setProperty(BlasLibrary.PROPERTY, "mkl");
        try {
            UserError e = assertThrows(UserError.class, BlasLibrary::choice);
            assertEquals("-Drepro.blas=mkl: use auto, system or bundled", e.getMessage());
        } finally {
            if (before == null) System.clearProperty(BlasLibrary.PROPERTY); else System.setProperty(BlasLibrary.PROPERTY, before);
        }
    }

    @Test
    void namesTheLibraryThisProcessLoaded() {
        BackendInfo info = BackendSelector.select("cpu", 1);
        String expected = BlasLibrary.systemLibrary(BlasLibrary.SYSTEM_FOLDERS)
                .filter(p -> BlasLibrary.newer(BlasLibrary.version(p), BlasLibrary.BUNDLED_VERSION))
                .filter(p -> !"bundled".equals(System.getenv(BlasLibrary.ENV)))
                .map(p -> "OpenBLAS " + BlasLibrary.version(p) + " (system, " + p)
                .orElse("OpenBLAS " + BlasLibrary.BUNDLED_VERSION + " (bundled with ND4J");
        assertTrue(info.blas().startsWith(expected), info.blas() + " should start with " + expected);
    }
}
