package dl4jrepro.backend;

import dl4jrepro.base.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a failed backend start says, and the one-line errors of the CPU build. */
class BackendSelectorTest {
    /** As the CUDA build prints it on a machine without a GPU (its first lines, as captured there). */
    private static final String NO_DRIVER = """
            java.lang.UnsatisfiedLinkError: /root/.javacpp/cache/cuda-11.6-8.3-1.5.7-linux-x86_64.jar/org/bytedeco/cuda/linux-x86_64/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory
            \tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)
            \tat org.nd4j.linalg.jcublas.JCublasBackend.canRun(JCublasBackend.java:66)
            [WARN] org.nd4j.linalg.factory.Nd4jBackend - Skipped [JCublasBackend] backend (unavailable): java.lang.UnsatisfiedLinkError
            """;

    @Test
    void aMissingDriverIsNamedInsteadOfTheStackTrace() {
        RuntimeException thrown = new RuntimeException("Please ensure that you have an nd4j backend on your classpath");
        assertEquals("libcuda.so.1 cannot be loaded: no NVIDIA driver on this machine", BackendSelector.failure(NO_DRIVER, thrown));
        assertEquals("RuntimeException: Please ensure that you have an nd4j backend on your classpath",
                BackendSelector.failure("some other output", thrown), "otherwise the exception's own message");
    }

    @Test
    void theCpuBuildsGpuRequestNamesTheProfileAsTheReadmeDoes() {
        UserError e = assertThrows(UserError.class, () -> BackendSelector.select("gpu", 0));
        assertTrue(e.getMessage().contains("REPRO_MAVEN_ARGS=-Pcuda ./repro run") && !e.getMessage().contains("mvn -Pcuda"),
                e.getMessage());
        assertTrue(assertThrows(UserError.class, () -> BackendSelector.select("tpu", 0)).getMessage()
                .contains("use auto, cpu or gpu"));
    }

    @Test
    void theCpuIsNamedWithItsFamilyAndModelNumbers() {
        // The first processor's lines of a virtual machine whose name is only the vendor's line.
        List<String> cpuinfo = List.of("processor\t: 0", "vendor_id\t: AuthenticAMD", "cpu family\t: 25",
                "model\t\t: 17", "model name\t: AMD EPYC", "stepping\t: 1", "processor\t: 1", "model\t\t: 99");
        assertEquals("AMD EPYC (family 25, model 17, 2 cores)", BackendSelector.cpuModel(cpuinfo, 2),
                "'model' is the model number's own line, not 'model name', and the first processor's");
        assertEquals("AMD EPYC (4 cores)", BackendSelector.cpuModel(List.of("model name : AMD EPYC"), 4),
                "without the numbers (another architecture's cpuinfo), the name alone");
    }
}
