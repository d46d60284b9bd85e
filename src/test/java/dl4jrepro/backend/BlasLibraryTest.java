package dl4jrepro.backend;

import dl4jrepro.base.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class BlasLibraryTest {
    @Test
    void theBuildUnpacksTheNewerLibraryForThisPlatform() {
        assertTrue(BlasLibrary.newerFolder().isPresent(), "pom.xml should unpack OpenBLAS " + BlasLibrary.NEWER
                + " into target/classes/dl4jrepro/openblas-" + BlasLibrary.NEWER);
    }

    @Test
    void refusesAnUnknownChoiceInOneLine() {
        assertRefused(BlasLibrary.PROPERTY, "atlas", BlasLibrary::choice, "-Drepro.blas=atlas: use auto, newer, bundled or mkl");
    }

    @Test
    void refusesAnUnknownKernelsChoiceInOneLine() {
        assertRefused(BlasLibrary.KERNELS_PROPERTY, "haswell", BlasLibrary::kernelsChoice,
                "-Drepro.blas.kernels=haswell: use auto, instruction-set, detected or environment");
    }

    private static void assertRefused(String property, String value, Executable choice, String message) {
        String before = System.getProperty(property);
        System.setProperty(property, value);
        try {
            assertEquals(message, assertThrows(UserError.class, choice).getMessage());
        } finally {
            if (before == null) System.clearProperty(property); else System.setProperty(property, before);
        }
    }

    /**
     * The tests load the library a run would (REPRO_BLAS, default auto: the newer OpenBLAS for a process not limited to
     * MLPs), and say so in the backend: MKL with the code path it dispatched to.
     * {@code REPRO_BLAS=mkl mvn -Pcpu,mkl test -Dtest=BlasLibraryTest} runs these tests on MKL.
     */
    @Test
    void namesTheLibraryThisProcessLoaded() {
        BackendInfo info = BackendSelector.select("cpu", 1);
        if (mkl()) {
            assertTrue(info.blas().matches("Intel MKL " + BlasLibrary.MKL + " \\((AVX|SSE|AVX2|AVX-512)[^,]* code path, GNU OpenMP threads\\)"),
                    info.blas());
            return;
        }
        String expected = "bundled".equals(System.getenv(BlasLibrary.ENV)) ? BlasLibrary.BUNDLED : BlasLibrary.NEWER;
        assertTrue(info.blas().startsWith("OpenBLAS " + expected + " ("), info.blas());
    }

    /** Whether this process runs MKL: the tests' backend is not chosen for MLPs alone, so only when asked for. */
    private static boolean mkl() {
        return "mkl".equals(System.getenv(BlasLibrary.ENV));
    }

    /**
     * The backend names the kernels OpenBLAS runs, by OpenBLAS's own name for them. By default (REPRO_BLAS_KERNELS
     * auto) the newer build runs the kernels of the processor's instruction set, even where the environment forces
     * others; the bundled build keeps what the environment forces.
     */
    @Test
    void namesTheKernelsAndRunsTheInstructionSetsWithTheNewerBuild() {
        String blas = BackendSelector.select("cpu", 1).blas();
        assumeTrue(!mkl(), "OpenBLAS's kernels only");
        assertTrue(blas.matches("OpenBLAS .*\\((bundled with ND4J, )?[A-Za-z0-9]+ kernels, (detected|instruction set|OPENBLAS_CORETYPE=\\S+)\\)"), blas);
        String forced = System.getenv("OPENBLAS_CORETYPE");
        String kernels = System.getenv(BlasLibrary.KERNELS_ENV) == null ? "auto" : System.getenv(BlasLibrary.KERNELS_ENV);
        boolean newer = blas.startsWith("OpenBLAS " + BlasLibrary.NEWER);
        if (kernels.equals("auto")) kernels = newer ? "instruction-set" : "environment";
        Optional<String> isa = BlasLibrary.instructionSetKernels();
        String expected = kernels.equals("instruction-set") && isa.isPresent() ? isa.get() + " kernels, instruction set"
                : kernels.equals("environment") && forced != null ? forced + " kernels, OPENBLAS_CORETYPE=" + forced
                : " kernels, detected";
        assertTrue(blas.toLowerCase().endsWith(expected.toLowerCase() + ")"), blas + " should end with " + expected
                + " (environment: OPENBLAS_CORETYPE=" + forced + ", " + BlasLibrary.KERNELS_ENV + "=" + kernels + ")");
    }

    /**
     * MKL by default only for MLPs on an Intel processor with MKL unpacked (the two-thread CNNs ran slower on it, an AMD
     * processor's products at half speed); asked for, always; never when an OpenBLAS is asked for.
     */
    @Test
    void loadsMklByDefaultForMlpsOnIntelOnly() {
        assertTrue(loadsMkl("auto", true, "GenuineIntel", true));
        assertEquals(false, loadsMkl("auto", false, "GenuineIntel", true), "a CNN");
        assertEquals(false, loadsMkl("auto", true, "AuthenticAMD", true), "an AMD processor");
        assertEquals(false, loadsMkl("auto", true, null, true), "an unknown processor");
        assertEquals(false, loadsMkl("auto", true, "GenuineIntel", false), "a build without MKL");
        assertTrue(loadsMkl("mkl", false, "AuthenticAMD", false), "asked for (a missing MKL is then an error)");
        for (String openBlas : List.of("newer", "bundled")) {
            assertEquals(false, loadsMkl(openBlas, true, "GenuineIntel", true), openBlas);
        }
    }

    /** The decision, failing the test if it looks up what the choice already settles (a CNN's run, an OpenBLAS asked for). */
    private static boolean loadsMkl(String choice, boolean denseNet, String vendor, boolean unpacked) {
        boolean lookedUp = choice.equals("auto") && denseNet;
        return BlasLibrary.loadsMkl(choice, denseNet, () -> {
            assertTrue(lookedUp, "read the processor for " + choice + (denseNet ? ", an MLP" : ", not an MLP"));
            return vendor;
        }, () -> {
            assertTrue(lookedUp, "looked for MKL for " + choice + (denseNet ? ", an MLP" : ", not an MLP"));
            return unpacked;
        });
    }

    /** The instructions each of OpenBLAS's kernels needs, from a processor's flags as /proc/cpuinfo lists them. */
    @Test
    void picksTheKernelsOfTheInstructionSet() {
        List<String> avx512 = List.of("fma", "avx2", "avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl");
        assertEquals(Optional.of("SkylakeX"), BlasLibrary.kernelsFor(Set.copyOf(avx512)));
        List<String> bf16 = new ArrayList<>(avx512);
        bf16.add("avx512_bf16");
        assertEquals(Optional.of("Cooperlake"), BlasLibrary.kernelsFor(Set.copyOf(bf16)));
        List<String> noVl = new ArrayList<>(bf16);
        noVl.remove("avx512vl");  // Xeon Phi's AVX-512: not SkylakeX's
        assertEquals(Optional.of("Haswell"), BlasLibrary.kernelsFor(Set.copyOf(noVl)));
        assertEquals(Optional.empty(), BlasLibrary.kernelsFor(Set.of("sse3", "ssse3", "avx")));
    }

    /**
     * ND4J's BLAS and LAPACK bindings share one instance of the newer build: two instances of one library share its
     * symbols but not its thread and memory pools, which crashed a two-thread run (requestBeforeNd4jLoads).
     */
    @Test
    void mklIsLoadedOnceForBlasAndLapackAndNoOpenBlasBeside() {
        assumeTrue(mkl(), "runs where MKL is loaded only");
        BackendSelector.select("cpu", 1);
        Eigen.symmetricGeneralizedEigenvalues(Nd4j.eye(3).castTo(DataType.DOUBLE), true);
        Nd4j.rand(DataType.FLOAT, 300, 200).mmul(Nd4j.rand(DataType.FLOAT, 200, 100));
        assertEquals(1, BlasLibrary.mklInstances(), "libmkl_rt instances mapped");
        assertEquals(0, BlasLibrary.instances(), "an OpenBLAS mapped beside MKL: " + BlasLibrary.threadsByLibrary().keySet());
    }

    @Test
    void theNewerBuildIsLoadedOnceForBlasAndLapack() {
        String blas = BackendSelector.select("cpu", 1).blas();
        assumeTrue(blas.startsWith("OpenBLAS " + BlasLibrary.NEWER), "runs with the newer build only: " + blas);
        Eigen.symmetricGeneralizedEigenvalues(Nd4j.eye(3).castTo(DataType.DOUBLE), true);
        Nd4j.rand(DataType.FLOAT, 300, 200).mmul(Nd4j.rand(DataType.FLOAT, 200, 100));
        assertEquals(1, BlasLibrary.instances(), "OpenBLAS instances mapped: " + BlasLibrary.threadsByLibrary().keySet());
    }

    /** ND4J's LAPACK calls need LAPACKE in the loaded library; without it the JVM ends at the first call. */
    @Test
    void lapackCallsWorkWithTheLoadedLibrary() {
        INDArray a = Nd4j.createFromArray(new double[][] {{2, 1, 0}, {1, 2, 0}, {0, 0, 5}}).castTo(DataType.DOUBLE);
        INDArray values = Eigen.symmetricGeneralizedEigenvalues(a.dup(), true);
        double[] sorted = values.toDoubleVector();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(new double[] {1, 3, 5}, sorted, 1e-12);
    }

    /**
     * Every OpenBLAS the process mapped runs the threads asked for, not only the one ND4J sets: a pool left at
     * OMP_NUM_THREADS (the tests' JVM starts with 1, as ./repro's do) hangs the first multiplication split among more
     * threads in the other library (BlasLibrary.setThreads). Then a product big enough to be split gives the one-thread
     * figures to float rounding, within a time limit a hang would pass.
     */
    @Test
    void everyMappedOpenBlasRunsTheThreadsAskedForAndLargeProductsFinish() {
        try {
            // The backend first: it chooses the BLAS before ND4J loads, which a first Nd4j call here would pre-empt.
            BackendSelector.select("cpu", 1);
            INDArray a = Nd4j.rand(DataType.FLOAT, 2000, 1500), b = Nd4j.rand(DataType.FLOAT, 1500, 700);
            INDArray oneThread = a.mmul(b);
            for (int threads : new int[] {2, 1, 2}) {
                BackendSelector.select("cpu", threads);
                Map<String, Integer> pools = BlasLibrary.threadsByLibrary();
                assertTrue(pools.size() >= 1, "no OpenBLAS or MKL mapped: " + pools);
                pools.forEach((library, n) -> assertEquals(threads, n, library + " runs " + n + " threads, asked " + threads));
            }
            INDArray twoThreads = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> a.mmul(b),
                    "a 2000x1500x700 product at 2 threads did not finish in 120 s");
            assertTrue(oneThread.equalsWithEps(twoThreads, 1e-3), "2 threads changed the product beyond float rounding");
        } finally {
            BackendSelector.select("cpu", 1);
        }
    }
}
