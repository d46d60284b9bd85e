package dl4jrepro.backend;

import dl4jrepro.base.UserError;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses the ND4J backend at start-up. Which backends exist is decided by the build (the CPU backend by default, the
 * CUDA platform backend with {@code -Pcuda}); this class checks that the one the user asked for is there and works
 * before ND4J is first touched, so a wrong request is a one-line error instead of a native stack trace.
 */
public final class BackendSelector {
    static final String CPU_CLASS = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    static final String GPU_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";

    private BackendSelector() {}

    /**
     * @param requested auto, cpu or gpu
     * @param threads   OpenMP/BLAS threads, or 0 to keep what the environment set ({@code OMP_NUM_THREADS})
     */
    public static BackendInfo select(String requested, int threads) {
        return select(requested, threads, false);
    }

    /**
     * As {@link #select(String, int)} for a process that trains {@code denseNet}s only (MLPs), for which the default
     * BLAS is Intel MKL on an Intel processor where the build has it ({@link BlasLibrary}). Only a process's first
     * call chooses the BLAS.
     */
    public static BackendInfo select(String requested, int threads, boolean denseNet) {
        boolean cpuPresent = present(CPU_CLASS), gpuPresent = present(GPU_CLASS);
        switch (requested) {
            case "gpu" -> {
                if (!gpuPresent) {
                    throw new UserError("--backend gpu: the CUDA backend is not in this build; build it with "
                            + "'REPRO_MAVEN_ARGS=-Pcuda ./repro run ... --backend gpu' on a machine with an NVIDIA GPU and its "
                            + "driver, or use --backend cpu");
                }
            }
            case "cpu" -> {
                if (!cpuPresent) {
                    throw new UserError("--backend cpu: this build has only the CUDA backend; run without "
                            + "REPRO_MAVEN_ARGS=-Pcuda to build the CPU one");
                }
            }
            case "auto" -> { }
            default -> throw new UserError("--backend " + requested + ": use auto, cpu or gpu");
        }
        if (threads < 0) throw new UserError("--threads " + threads + ": use a positive number (or 0 for the default)");
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads > cores) {
            throw new UserError("--threads " + threads + ": this machine has " + cores + " cores; use at most " + cores
                    + " (or 0 for the default)");
        }
        OneDnn.requestBeforeNd4jLoads(!cpuPresent);
        if (cpuPresent) BlasLibrary.requestBeforeNd4jLoads(denseNet);
        String loaded;
        // ND4J prints a native library's failure to load as a stack trace before it gives up: held back while it
        // loads, passed on when it starts, and read for the one line that says why when it does not.
        ByteArrayOutputStream held = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(held, true, StandardCharsets.UTF_8));
        try {
            loaded = Nd4j.getBackend().getClass().getName();
            System.setErr(err);
            err.print(held.toString(StandardCharsets.UTF_8));
        } catch (Throwable t) {
            System.setErr(err);
            throw new UserError("the " + requested + " ND4J backend failed to start (" + failure(held.toString(StandardCharsets.UTF_8), t) + "); " + (cpuPresent
                    ? "for gpu, build with REPRO_MAVEN_ARGS=-Pcuda on a machine with an NVIDIA GPU, otherwise use --backend cpu"
                    : "this is the CUDA build: it needs an NVIDIA GPU and its driver (it brings CUDA 11.6 and cuDNN 8.3 "
                    + "itself); without one, run without REPRO_MAVEN_ARGS=-Pcuda to build the CPU backend"));
        }
        boolean gpu = loaded.equals(GPU_CLASS);
        if (requested.equals("gpu") && !gpu || requested.equals("cpu") && gpu) {
            throw new UserError("--backend " + requested + ": ND4J loaded " + loaded + " instead; build with only the "
                    + "backend you want (default build: cpu; REPRO_MAVEN_ARGS=-Pcuda: gpu)");
        }
        if (threads > 0) {
            // OMP_NUM_THREADS is read once at start-up; set both pools again so --threads wins over the environment.
            NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
            if (!gpu) BlasLibrary.setThreads(threads);
        }
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        int inUse = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
        String device = gpu ? String.valueOf(env.getOrDefault("cuda.devicesInformation", "CUDA device")) : cpuModel();
        return new BackendInfo(requested, loaded.substring(loaded.lastIndexOf('.') + 1), gpu ? "GPU" : "CPU", device,
                inUse, nd4jVersion(), gpu ? String.valueOf(env.getOrDefault("blas.vendor", "unknown")) : BlasLibrary.loaded(),
                !gpu && OneDnn.available() ? OneDnn.describe(System::getenv) : "none", BackendInfo.thisHost());
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, BackendSelector.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String nd4jVersion() {
        return JarVersion.of(Nd4j.class, "nd4j-api");
    }

    /** This machine's CPU, as {@link #cpuModel(List, int)} names it. */
    public static String cpuModel() {
        try {
            return cpuModel(Files.readAllLines(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors());
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    /**
     * The CPU as /proc/cpuinfo names it, with its family and model numbers: a virtual machine's name is often only the
     * vendor's line ("AMD EPYC"), the same for processor generations of quite different speeds, so the numbers are
     * what tell two runs' machines apart.
     */
    static String cpuModel(List<String> cpuinfo, int cores) {
        String name = field(cpuinfo, "model name");
        String family = field(cpuinfo, "cpu family"), model = field(cpuinfo, "model");
        String numbers = family == null || model == null ? "" : "family " + family + ", model " + model + ", ";
        return (name == null ? System.getProperty("os.arch") : name) + " (" + numbers + cores + " cores)";
    }

    /** The processor's vendor as /proc/cpuinfo names it ("GenuineIntel", "AuthenticAMD"), or null where it does not. */
    static String cpuVendor() {
        try {
            return field(Files.readAllLines(Path.of("/proc/cpuinfo")), "vendor_id");
        } catch (IOException e) {
            return null;
        }
    }

    /** The first value of a "key : value" line of /proc/cpuinfo whose key is exactly {@code key}, else null. */
    private static String field(List<String> cpuinfo, String key) {
        for (String line : cpuinfo) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(key)) return line.substring(colon + 1).trim();
        }
        return null;
    }

    private static final Pattern MISSING_LIBRARY = Pattern.compile("(lib[\\w.+-]+\\.so[\\w.]*): cannot open shared object file");

    /** Why a backend did not start: a native library that could not be loaded (a missing driver), else the exception. */
    static String failure(String printed, Throwable t) {
        Matcher m = MISSING_LIBRARY.matcher(printed);
        if (m.find()) {
            return m.group(1) + " cannot be loaded" + (m.group(1).startsWith("libcuda.so") ? ": no NVIDIA driver on this machine" : "");
        }
        return rootMessage(t);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
