package dl4jrepro.backend;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dl4jrepro.base.UserError;
import org.bytedeco.javacpp.Loader;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which OpenBLAS the CPU backend multiplies with. ND4J 1.0.0-M2.1 brings OpenBLAS 0.3.19 (javacpp 1.5.7), which predates
 * recent processors: on an AVX-512 AMD EPYC it picks its generic "Barcelona" kernels unless {@code OPENBLAS_CORETYPE}
 * forces others. javacpp's build of 0.3.21 detects them. The build unpacks its native libraries beside our classes
 * (pom.xml, {@code dl4jrepro/openblas-0.3.21-1.5.8/}), and javacpp loads them in place of the bundled ones when asked
 * ({@code org.bytedeco.openblas.load} with {@code pathsFirst} and that folder first). It has to be a full build: ND4J
 * also calls LAPACKE (eigenvalues for PCA), which a distribution's OpenBLAS such as Debian's leaves to another package,
 * and a missing LAPACKE symbol ends the JVM at the first call. Speed and rounding of each library:
 * {@code results/benchmarks/blas.md}.
 *
 * <p>{@code REPRO_BLAS} (or {@code -Drepro.blas}) chooses: {@code auto}, the default, loads Intel MKL for a process
 * that trains MLPs on an Intel processor where the build unpacked it, else the newer build where this platform has it,
 * else the bundled; {@code newer} insists on the newer OpenBLAS; {@code bundled} keeps ND4J's; {@code mkl} insists on
 * MKL. The build unpacks MKL with the {@code mkl} profile, which ./repro and src/bench/run add on Intel processors
 * (src/main/jvm/maven-args.sh). Why only there: on an Intel Xeon, MKL's products ran faster than any OpenBLAS's, and
 * the dense catalogue models' training step with them; on an AMD EPYC its products ran at half OpenBLAS's speed
 * (results/benchmarks/blas-survey*.md, blas-*-newer-mkl.md). The CNNs, whose time is mostly oneDNN's convolutions,
 * keep OpenBLAS until MKL is measured faster for them. Every result records which library ran and with which kernels
 * ({@link #loaded}). The choice must be made before ND4J loads.
 *
 * <p>MKL is loaded the way javacpp's OpenBLAS presets document ({@code org.bytedeco.openblas.load=mkl_rt}), but under
 * OpenBLAS's own file names, links to libmkl_rt in its folder: asked for mkl_rt by name, javacpp copies it once for
 * each presets class, and the process would map two instances (see {@link #requestBeforeNd4jLoads}). Its threading
 * layer is GNU OpenMP, the runtime libnd4j already runs, rather than Intel's own, which would start a second pool of
 * threads; the presets' {@code blas_set_num_threads}, through which ND4J sets BLAS threads, sets MKL's.
 *
 * <p>Kernels: an environment may force OpenBLAS's kernels ({@code OPENBLAS_CORETYPE}, with {@code OPENBLAS_L2_SIZE}),
 * as a workaround for builds that mis-detect a processor or crash on it. Detection only knows the processors of its
 * release: 0.3.21 takes an Intel Xeon of family 6, model 207 (Emerald Rapids, AVX-512 with BF16) for an unknown one and
 * falls back to its generic SSE3 "Prescott" kernels. So the newer build runs the kernels of the processor's instruction
 * set, read from /proc/cpuinfo ({@link #kernelsFor}): what its detection picks on the processors it knows (an AMD EPYC of
 * family 25 detects "Cooperlake", as that rule names it) and what it should pick on the ones it does not (blas.md
 * measures both, and the equivalence runs of equivalence-blas.json the rounding). {@code REPRO_BLAS_KERNELS} (or
 * {@code -Drepro.blas.kernels}) chooses: {@code auto}, the default, is {@code instruction-set} for the newer build and
 * keeps the environment's for the bundled one (0.3.19 forced to Cooperlake's kernels multiplied wrongly on that Xeon:
 * blas.md's error column); {@code instruction-set} runs the instruction set's kernels (detection
 * where /proc/cpuinfo names none of them); {@code detected} always detects; {@code environment} keeps the variables.
 * OpenBLAS reads them once, when it loads, from the C environment, which Java cannot change: they are set or removed
 * there through JNA's libc binding, before ND4J loads.
 */
public final class BlasLibrary {
    static final String PROPERTY = "repro.blas", ENV = "REPRO_BLAS";
    static final String KERNELS_PROPERTY = "repro.blas.kernels";
    public static final String KERNELS_ENV = "REPRO_BLAS_KERNELS";
    /** The variables by which an environment forces OpenBLAS's kernels. */
    public static final List<String> KERNEL_VARIABLES = List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE");
    static final String LOAD = "org.bytedeco.openblas.load", LOAD_NOLAPACK = "org.bytedeco.openblas_nolapack.load",
            PATHS_FIRST = "org.bytedeco.javacpp.pathsFirst",
            PRELOAD_PATH = "org.bytedeco.javacpp.platform.preloadpath";
    /** javacpp's artifact version of the newer build, as pom.xml unpacks it. */
    static final String NEWER = "0.3.21-1.5.8";
    /** The OpenBLAS inside ND4J 1.0.0-M2.1's javacpp presets (org.bytedeco:openblas:0.3.19-1.5.7). */
    static final String BUNDLED = "0.3.19-1.5.7";
    private static final Pattern VERSION = Pattern.compile("openblas-(\\d+\\.\\d+\\.\\d+-\\d+\\.\\d+\\.\\d+)");
    /** javacpp's artifact version of Intel MKL, as pom.xml's mkl profile unpacks it. */
    static final String MKL = "2022.2-1.5.8";
    /** MKL's single dynamic library, which picks the processor's code path and threading layer at run time. */
    public static final String MKL_RT = "libmkl_rt.so.2";

    private BlasLibrary() {}

    /**
     * Must run before ND4J loads its native library; an {@code org.bytedeco.openblas.load} or
     * {@code org.bytedeco.openblas_nolapack.load} given by hand wins.
     *
     * <p>ND4J binds OpenBLAS twice: its BLAS calls through javacpp's openblas_nolapack presets, LAPACK through openblas.
     * Both must load one instance of one file. Asked to load "openblas" for both (the presets' documented way), javacpp
     * satisfies openblas_nolapack with a renamed copy of the file, and the process then maps two instances exporting the
     * same symbols: a multiplication split among threads in one runs parts in the other's thread pool, on buffers from
     * the other's memory pool. That hung at more threads than OMP_NUM_THREADS, printed "BLAS : Bad memory
     * unallocation!" at exit and once ended a two-thread C1 run in a crash inside the GEMM. So each presets class loads
     * its own name, found in the folder under that name ({@link #NOLAPACK_ALIAS}, a link to the same file): javacpp
     * links names it finds as they are rather than copying them, and the JVM and the dynamic loader load a file reached
     * by two links once (BlasLibraryTest).
     */
    public static void requestBeforeNd4jLoads(boolean denseNet) {
        if (System.getProperty(LOAD) != null || System.getProperty(LOAD_NOLAPACK) != null) return;
        String choice = choice();
        // The processor and the unpacked MKL are looked up only when the choice leaves them to decide.
        if (loadsMkl(choice, denseNet, BackendSelector::cpuVendor, () -> mklFolder().isPresent())) {
            Path mkl = mklFolder().orElseThrow(() -> new UserError(ENV + "=mkl: Intel MKL " + MKL + " is not beside the "
                    + "classes; build with it (REPRO_MAVEN_ARGS=-Pcpu,mkl, a 213 MB download from Maven Central) or use "
                    + ENV + "=auto"));
            // Before MKL loads: it reads the variable at its first call. A value the user set stays.
            Bound.LIBC.setenv("MKL_THREADING_LAYER", "GNU", 0);
            loadFrom(mkl);
            return;
        }
        Optional<Path> folder = choice.equals("bundled") ? Optional.empty() : newerFolder();
        String kernels = kernelsChoice();
        if (kernels.equals("auto")) kernels = folder.isPresent() ? "instruction-set" : "environment";
        if (!kernels.equals("environment")) dropForcedKernels();
        if (kernels.equals("instruction-set")) forceInstructionSetKernels();
        if (choice.equals("bundled")) return;
        if (folder.isEmpty()) {
            if (choice.equals("newer")) {
                throw new UserError(ENV + "=newer: OpenBLAS " + NEWER + " is not beside the classes (the build unpacks it "
                        + "for " + Loader.getPlatform() + " from Maven Central; rebuild, e.g. ./repro list), or use "
                        + ENV + "=bundled");
            }
            return;
        }
        loadFrom(folder.get());
    }

    /**
     * Whether a process loads MKL: asked for ({@code mkl}), or by default ({@code auto}) for MLPs on an Intel processor
     * where the build unpacked it.
     */
    static boolean loadsMkl(String choice, boolean denseNet, Supplier<String> cpuVendor, BooleanSupplier mklUnpacked) {
        return choice.equals("mkl")
                || choice.equals("auto") && denseNet && "GenuineIntel".equals(cpuVendor.get()) && mklUnpacked.getAsBoolean();
    }

    /** Has javacpp load both presets' libraries under OpenBLAS's names from {@code folder}, as they are found there. */
    private static void loadFrom(Path folder) {
        System.setProperty(LOAD, "openblas@.0");
        System.setProperty(LOAD_NOLAPACK, "openblas_nolapack@.0");
        System.setProperty(PATHS_FIRST, "true");
        String before = System.getProperty(PRELOAD_PATH);
        System.setProperty(PRELOAD_PATH, folder + (before == null ? "" : File.pathSeparator + before));
    }

    /** auto, newer, bundled or mkl, from -Drepro.blas or REPRO_BLAS; anything else is a one-line error. */
    static String choice() {
        String p = System.getProperty(PROPERTY), e = System.getenv(ENV);
        String c = p != null ? p : e != null ? e : "auto";
        if (!List.of("auto", "newer", "bundled", "mkl").contains(c)) {
            throw new UserError((p != null ? "-D" + PROPERTY : ENV) + "=" + c + ": use auto, newer, bundled or mkl");
        }
        return c;
    }

    /** auto, instruction-set, detected or environment, from -Drepro.blas.kernels or REPRO_BLAS_KERNELS; anything else is a one-line error. */
    static String kernelsChoice() {
        String p = System.getProperty(KERNELS_PROPERTY), e = System.getenv(KERNELS_ENV);
        String c = p != null ? p : e != null ? e : "auto";
        if (!List.of("auto", "instruction-set", "detected", "environment").contains(c)) {
            throw new UserError((p != null ? "-D" + KERNELS_PROPERTY : KERNELS_ENV) + "=" + c
                    + ": use auto, instruction-set, detected or environment");
        }
        return c;
    }

    /** libc's environment calls: Java's System.getenv is a copy taken at start-up, which OpenBLAS never reads. */
    private interface LibC extends Library {
        int unsetenv(String name);

        int setenv(String name, String value, int overwrite);

        String getenv(String name);
    }

    /** The OpenBLAS calls that name the kernels it runs and set or read its thread pool. */
    private interface OpenBlas extends Library {
        String openblas_get_corename();

        void openblas_set_num_threads(int threads);

        int openblas_get_num_threads();
    }

    /** MKL's calls that name the code path it dispatched to and set or read its threads. */
    private interface Mkl extends Library {
        int mkl_cbwr_get_auto_branch();

        void MKL_Set_Num_Threads(int threads);

        int MKL_Get_Max_Threads();
    }

    /** Bound on first use only: a run that never asks about kernels never loads JNA. */
    private static final class Bound {
        static final LibC LIBC = (LibC) Native.loadLibrary("c", LibC.class);
    }

    private static void dropForcedKernels() {
        for (String v : KERNEL_VARIABLES) Bound.LIBC.unsetenv(v);
    }

    /** The kernels this process forced for the processor's instruction set, or null: the provenance says why. */
    private static volatile String instructionSetKernels;

    private static void forceInstructionSetKernels() {
        instructionSetKernels().ifPresent(name -> {
            Bound.LIBC.setenv(KERNEL_VARIABLES.get(0), name, 1);
            instructionSetKernels = name;
        });
    }

    /** OpenBLAS's name for the kernels this processor's instruction set runs best; empty where /proc/cpuinfo does not tell. */
    public static Optional<String> instructionSetKernels() {
        try (var lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("flags")).findFirst()
                    .flatMap(l -> kernelsFor(Set.copyOf(List.of(l.substring(l.indexOf(':') + 1).trim().split("\\s+")))));
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** OpenBLAS's kernels by the instructions they need, the table the survey script reads too (its comment says why). */
    static final String KERNEL_TABLE = "openblas-kernels.txt";

    /** The first kernels of {@link #KERNEL_TABLE} whose instructions the processor has all; empty below them all. */
    static Optional<String> kernelsFor(Set<String> flags) {
        try (var in = BlasLibrary.class.getResourceAsStream(KERNEL_TABLE)) {
            if (in == null) throw new IllegalStateException(KERNEL_TABLE + " is missing from the classes: rebuild");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> List.of(l.trim().split("\\s+")))
                    .filter(kernel -> flags.containsAll(kernel.subList(1, kernel.size())))
                    .map(kernel -> kernel.get(0))
                    .findFirst();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The newer build's libraries as the build unpacks them for Linux (the library and the runtime it links to). */
    private static final List<String> LIBRARIES =
            List.of("libopenblas.so.0", "libgfortran.so.5", "libquadmath.so.0", "libgcc_s.so.1");
    /** The name the openblas_nolapack presets load, a relative link to the full library beside it. */
    static final String NOLAPACK_ALIAS = "libopenblas_nolapack.so.0";

    /**
     * The unpacked newer build, when the build made one for this platform: the folder beside the classes, or, when the
     * classes are in a jar (the cluster jar on a Spark executor), a copy of its libraries in javacpp's cache folder.
     */
    static Optional<Path> newerFolder() {
        String dir = "/dl4jrepro/openblas-" + NEWER + "/";
        URL lib = BlasLibrary.class.getResource(dir + LIBRARIES.get(0));
        if (lib == null) return Optional.empty();
        try {
            if (lib.getProtocol().equals("file")) {
                return Optional.of(withAlias(Path.of(lib.toURI()).getParent(), NOLAPACK_ALIAS, LIBRARIES.get(0)));
            }
            // javacpp's cache folder, named as javacpp names it: asking Loader would load it, and it reads the
            // properties this class sets only once, when it loads.
            Path cache = Path.of(System.getProperty("org.bytedeco.javacpp.cachedir",
                    Path.of(System.getProperty("user.home"), ".javacpp", "cache").toString()));
            Path target = cache.resolve("dl4j-repro-openblas-" + NEWER);
            Files.createDirectories(cache);
            if (Files.isRegularFile(target.resolve(LIBRARIES.get(0)))) {
                return Optional.of(withAlias(target, NOLAPACK_ALIAS, LIBRARIES.get(0)));
            }
            // Copied whole into a fresh folder, then moved into place: another JVM on the machine never sees half a copy.
            Path fresh = Files.createTempDirectory(target.getParent(), target.getFileName() + ".");
            for (String name : LIBRARIES) {
                try (var in = BlasLibrary.class.getResourceAsStream(dir + name)) {
                    if (in != null) Files.copy(in, fresh.resolve(name));
                }
            }
            withAlias(fresh, NOLAPACK_ALIAS, LIBRARIES.get(0));
            try {
                Files.move(fresh, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                if (!Files.isRegularFile(target.resolve(LIBRARIES.get(0)))) throw raced;
                try (var left = Files.list(fresh)) {
                    for (Path f : left.toList()) Files.delete(f);
                }
                Files.delete(fresh);
            }
            return Optional.of(target);
        } catch (URISyntaxException | IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Unpacked MKL, where the build made it (REPRO_MAVEN_ARGS=-Pcpu,mkl), with OpenBLAS's two names linked to libmkl_rt.
     * Only from a folder: the cluster jar leaves MKL out.
     */
    public static Optional<Path> mklFolder() {
        URL lib = BlasLibrary.class.getResource("/dl4jrepro/mkl-" + MKL + "/" + MKL_RT);
        if (lib == null || !lib.getProtocol().equals("file")) return Optional.empty();
        try {
            Path folder = Path.of(lib.toURI()).getParent();
            return Optional.of(withAlias(withAlias(folder, LIBRARIES.get(0), MKL_RT), NOLAPACK_ALIAS, MKL_RT));
        } catch (URISyntaxException | IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Adds the link {@code alias} → {@code target} to the folder where it is missing: made under a name of its own, then
     * renamed into place, so that JVMs starting together (a search's workers) never see a half-made or duplicate link.
     */
    private static Path withAlias(Path folder, String alias, String target) throws IOException {
        Path link = folder.resolve(alias);
        if (Files.isSymbolicLink(link)) return folder;
        Path fresh = folder.resolve(alias + "." + ProcessHandle.current().pid());
        Files.deleteIfExists(fresh);
        Files.createSymbolicLink(fresh, Path.of(target));
        Files.move(fresh, link, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return folder;
    }

    /**
     * The OpenBLAS this process loaded, for the provenance: "OpenBLAS 0.3.21-1.5.8 (Cooperlake kernels, instruction set)" or
     * "OpenBLAS 0.3.19-1.5.7 (bundled with ND4J, Haswell kernels, OPENBLAS_CORETYPE=Haswell)". Read from the process's mapped
     * libraries, so it says what ran, not what was asked.
     */
    public static String loaded() {
        Optional<String> mkl = mklMapped();
        if (mkl.isPresent()) return "Intel MKL " + MKL + " (" + codePath(mkl.get()) + ", GNU OpenMP threads)";
        if (choice().equals("mkl")) {
            throw new UserError(ENV + "=mkl: javacpp did not load Intel MKL; use " + ENV
                    + "=auto, or report the javacpp log (-Dorg.bytedeco.javacpp.logger.debug=true)");
        }
        Optional<List<String>> maps = mapped();
        if (maps.isEmpty()) return "OpenBLAS (which build: unknown on this system)";
        List<String> mapped = maps.get();
        String version = mapped.stream().map(VERSION::matcher).filter(Matcher::find).map(m -> m.group(1))
                .filter(v -> !v.equals(BUNDLED)).findFirst().orElse(mapped.isEmpty() ? "" : BUNDLED);
        if (version.isEmpty()) return "OpenBLAS (not loaded yet)";
        if (choice().equals("newer") && version.equals(BUNDLED)) {
            throw new UserError(ENV + "=newer: javacpp loaded the bundled OpenBLAS instead of " + NEWER + "; use "
                    + ENV + "=bundled, or report the javacpp log (-Dorg.bytedeco.javacpp.logger.debug=true)");
        }
        String path = mapped.stream().filter(l -> l.contains(version)).findFirst().orElse(mapped.get(0));
        return "OpenBLAS " + version + " (" + (version.equals(BUNDLED) ? "bundled with ND4J, " : "") + kernels(path) + ")";
    }

    /**
     * Sets the thread pool of every OpenBLAS this process mapped, where ND4J's setMaxThreads sets only one. The newer
     * build is loaded once ({@link #requestBeforeNd4jLoads}); the bundled one is two builds, libopenblas_nolapack and
     * libopenblas (for LAPACK), which export the same symbols, so a multiplication large enough to be split among
     * threads in one hands its parts to the other's thread pool (symbol interposition). Each pool starts at
     * OMP_NUM_THREADS, which ./repro sets to 1: with more threads asked of one library alone, that hand-over waits for a
     * thread the other pool never started, and the process hangs in its first large multiplication (BlasLibraryTest).
     * No effect where /proc/self/maps cannot be read.
     */
    static void setThreads(int threads) {
        mapped().ifPresent(libraries -> libraries.forEach(l -> bind(l).openblas_set_num_threads(threads)));
        mklMapped().ifPresent(l -> bindMkl(l).MKL_Set_Num_Threads(threads));
    }

    /** Each mapped OpenBLAS or MKL by its path, with the threads its pool runs. */
    static Map<String, Integer> threadsByLibrary() {
        Map<String, Integer> threads = new LinkedHashMap<>();
        mapped().ifPresent(libraries -> libraries.forEach(l -> threads.put(l, bind(l).openblas_get_num_threads())));
        mklMapped().ifPresent(l -> threads.put(l, bindMkl(l).MKL_Get_Max_Threads()));
        return threads;
    }

    /**
     * How many OpenBLAS instances this process loaded: each maps its file from offset 0 once, so this counts twice a
     * file loaded twice under different names, which {@link #mapped} lists once. -1 where /proc/self/maps cannot be read.
     */
    static long instances() {
        return instances(OPENBLAS_FILES);
    }

    /** The same for MKL's libmkl_rt. */
    static long mklInstances() {
        return instances(List.of(MKL_RT));
    }

    private static long instances(List<String> files) {
        return mapLines(files).map(lines -> lines.stream().filter(l -> l.split("\\s+")[2].matches("0+")).count()).orElse(-1L);
    }

    /** The OpenBLAS libraries this process mapped, by path; empty where /proc/self/maps cannot be read. */
    private static Optional<List<String>> mapped() {
        return mapLines(OPENBLAS_FILES).map(lines -> lines.stream().map(l -> l.substring(l.indexOf('/'))).distinct().toList());
    }

    /** The mapped libmkl_rt, by path; empty where none is or /proc/self/maps cannot be read. */
    private static Optional<String> mklMapped() {
        return mapLines(List.of(MKL_RT)).flatMap(lines -> lines.stream().map(l -> l.substring(l.indexOf('/'))).findFirst());
    }

    /** How OpenBLAS's files are named, as the lines of /proc/self/maps end (javacpp's copies and links alike). */
    private static final List<String> OPENBLAS_FILES = List.of("libopenblas.so", "libopenblas_nolapack.so");

    /** The lines of /proc/self/maps that map a file whose name starts with one of these; empty where it cannot be read. */
    private static Optional<List<String>> mapLines(List<String> files) {
        try {
            return Optional.of(Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .filter(l -> files.stream().anyMatch(f -> l.contains("/" + f))).toList());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** JNA binds a mapped library by its path to the instance already loaded, not a new copy. */
    private static OpenBlas bind(String library) {
        return (OpenBlas) Native.loadLibrary(library, OpenBlas.class);
    }

    private static Mkl bindMkl(String library) {
        return (Mkl) Native.loadLibrary(library, Mkl.class);
    }

    /**
     * The code path MKL dispatched to on this processor, as its conditional-numerical-reproducibility branch names it
     * (mkl_cbwr_get_auto_branch; the constants of mkl_cbwr.h).
     */
    private static String codePath(String library) {
        int branch = bindMkl(library).mkl_cbwr_get_auto_branch();
        String name = switch (branch) {
            case 2 -> "compatible";
            case 3 -> "SSE2";
            case 6 -> "SSSE3";
            case 7 -> "SSE4.1";
            case 8 -> "SSE4.2";
            case 9 -> "AVX";
            case 10 -> "AVX2";
            case 11 -> "AVX-512 MIC";
            case 12 -> "AVX-512";
            case 13 -> "AVX-512 MIC E1";
            case 14 -> "AVX-512 E1";
            default -> "branch " + branch;
        };
        return name + " code path";
    }

    /**
     * "Cooperlake kernels, detected", "Cooperlake kernels, instruction set" or "Haswell kernels, OPENBLAS_CORETYPE=Haswell"
     * (the environment's): what the library runs, and why.
     */
    private static String kernels(String library) {
        String forced = Bound.LIBC.getenv(KERNEL_VARIABLES.get(0));
        String name;
        try {
            name = bind(library).openblas_get_corename().trim();
        } catch (UnsatisfiedLinkError e) {
            name = "unnamed";
        }
        return name + " kernels, " + (forced == null ? "detected"
                : forced.equals(instructionSetKernels) ? "instruction set" : KERNEL_VARIABLES.get(0) + "=" + forced);
    }
}
