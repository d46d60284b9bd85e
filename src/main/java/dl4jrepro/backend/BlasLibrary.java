package dl4jrepro.backend;

import dl4jrepro.base.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which OpenBLAS the CPU backend multiplies with. ND4J 1.0.0-M2.1 brings OpenBLAS 0.3.19 (javacpp 1.5.7), which predates
 * recent processors: on an AVX-512 AMD EPYC it picks its generic "Barcelona" kernels unless {@code OPENBLAS_CORETYPE}
 * forces others. A newer OpenBLAS installed on the system (Debian and Ubuntu: {@code libopenblas0-pthread}) detects
 * them, and javacpp loads it in place of the bundled one when asked ({@code org.bytedeco.openblas.load} with
 * {@code pathsFirst}). The dense nets are mostly matrix products, so this is their largest lever; speed and correctness
 * of each library are measured in {@code results/benchmarks/blas.md}.
 *
 * <p>{@code REPRO_BLAS} (or {@code -Drepro.blas}) chooses: {@code auto}, the default, loads the system's OpenBLAS when
 * there is one newer than the bundled, else the bundled; {@code system} insists on the system's; {@code bundled} keeps
 * ND4J's. Every result records which library ran ({@link #loaded}). The choice must be made before ND4J loads.
 */
public final class BlasLibrary {
    static final String PROPERTY = "repro.blas", ENV = "REPRO_BLAS";
    static final String LOAD = "org.bytedeco.openblas.load", PATHS_FIRST = "org.bytedeco.javacpp.pathsFirst";
    /** The OpenBLAS inside ND4J 1.0.0-M2.1's javacpp presets (org.bytedeco:openblas:0.3.19-1.5.7). */
    static final String BUNDLED_VERSION = "0.3.19";
    /** Where Linux distributions put the shared library; javacpp's own search with pathsFirst covers these. */
    static final List<String> SYSTEM_FOLDERS = List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib64", "/usr/lib/aarch64-linux-gnu", "/usr/lib", "/usr/local/lib");
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+\\.\\d+)");

    private BlasLibrary() {}

    /** Must run before ND4J loads its native library; an {@code org.bytedeco.openblas.load} given by hand wins. */
    public static void requestBeforeNd4jLoads() {
        if (System.getProperty(LOAD) != null) return;
        String choice = choice();
        if (choice.equals("bundled")) return;
        Optional<Path> system = systemLibrary(SYSTEM_FOLDERS);
        if (choice.equals("system") && system.isEmpty()) {
            throw new UserError(ENV + "=system: no libopenblas.so.0 in " + SYSTEM_FOLDERS + "; install the system's "
                    + "OpenBLAS (Debian/Ubuntu: apt-get install libopenblas0-pthread) or use " + ENV + "=auto");
        }
        if (system.isPresent() && (choice.equals("system") || newer(version(system.get()), BUNDLED_VERSION))) {
            System.setProperty(LOAD, "openblas");
            System.setProperty(PATHS_FIRST, "true");
        }
    }

    /** auto, system or bundled, from -Drepro.blas or REPRO_BLAS; anything else is a one-line error. */
    static String choice() {
        String p = System.getProperty(PROPERTY), e = System.getenv(ENV);
        String c = p != null ? p : e != null ? e : "auto";
        if (!List.of("auto", "system", "bundled").contains(c)) {
            throw new UserError((p != null ? "-D" + PROPERTY : ENV) + "=" + c + ": use auto, system or bundled");
        }
        return c;
    }

    /** The system's libopenblas.so.0 in the first of {@code folders} that has one, resolved through its links. */
    static Optional<Path> systemLibrary(List<String> folders) {
        for (String folder : folders) {
            Path lib = Path.of(folder, "libopenblas.so.0");
            try {
                if (Files.isReadable(lib)) return Optional.of(lib.toRealPath());
            } catch (IOException e) {
                // a dangling alternatives link: not a library
            }
        }
        return Optional.empty();
    }

    /** The version in a library's real file name (libopenblasp-r0.3.21.so), or "" when it names none. */
    static String version(Path library) {
        Matcher m = VERSION.matcher(library.getFileName().toString());
        return m.find() ? m.group(1) : "";
    }

    /** Whether dotted version a is later than b; an unknown version ("") is not. */
    static boolean newer(String a, String b) {
        if (a.isEmpty()) return false;
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) return c > 0;
        }
        return x.length > y.length;
    }

    private static String cacheDir() {
        try {
            return org.bytedeco.javacpp.Loader.getCacheDir().getCanonicalPath();
        } catch (IOException e) {
            return System.getProperty("user.home") + "/.javacpp/cache";
        }
    }

    /**
     * The OpenBLAS this process loaded, for the provenance: "OpenBLAS 0.3.21 (system, kernels auto-detected)" or
     * "OpenBLAS 0.3.19 (bundled, OPENBLAS_CORETYPE=Haswell)". Read from the process's mapped libraries, so it says what
     * ran, not what was asked; a user asking for the system's library who got the bundled one is told so.
     */
    public static String loaded() {
        List<String> mapped;
        try {
            mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains("/libopenblas"))
                    .map(l -> l.substring(l.indexOf('/'))).distinct().toList();
        } catch (IOException e) {
            return "OpenBLAS (which build: unknown on this system)";
        }
        if (mapped.isEmpty()) return "OpenBLAS (not loaded yet)";
        // javacpp unpacks the bundled library into its cache, and links the system's under another name there too
        String cache = cacheDir();
        Optional<String> system = mapped.stream().filter(l -> !l.startsWith(cache)).findFirst();
        if (choice().equals("system") && system.isEmpty() && System.getProperty(LOAD) != null) {
            throw new UserError(ENV + "=system: javacpp loaded the bundled OpenBLAS instead of the system's; check that "
                    + "libopenblas.so.0 loads (ldd), or use " + ENV + "=auto");
        }
        String kernels = System.getenv("OPENBLAS_CORETYPE") == null ? "kernels auto-detected"
                : "OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE");
        return system.map(s -> "OpenBLAS " + version(Path.of(s)) + " (system, " + s + ", " + kernels + ")")
                .orElse("OpenBLAS " + BUNDLED_VERSION + " (bundled with ND4J, " + kernels + ")");
    }
}
