package dl4jrepro.backend;

/**
 * The backend a run used, recorded with every result.
 *
 * @param requested what the user asked for: auto, cpu or gpu
 * @param backend   the ND4J backend class that loaded (CpuBackend, JCublasBackend)
 * @param kind      "CPU" or "GPU"
 * @param device    CPU model or GPU name
 * @param threads   OpenMP/BLAS threads in use
 * @param nd4jVersion ND4J build version
 * @param blas      the BLAS library that ran: on the CPU which OpenBLAS and its kernels ({@link BlasLibrary#loaded}), on
 *                  the GPU the vendor ND4J reports
 * @param layerHelpers "oneDNN" when the CPU library has oneDNN, which DL4J's convolution, pooling and batch-norm layers
 *                     use where a run's speed-ups switch their helpers on (and some of ND4J's own ops always), with the
 *                     environment's cap on its instruction set when one is given ({@link OneDnn#describe}); else "none"
 * @param host      the machine that trained: a search spread over a cluster records each trial's own
 */
public record BackendInfo(String requested, String backend, String kind, String device, int threads, String nd4jVersion,
                          String blas, String layerHelpers, String host) {

    /** This machine's host name, or "unknown" when it has none it can tell. */
    public static String thisHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown" : env;
        }
    }

    public String oneLine() {
        return kind + " backend " + backend + " on " + device + ", " + threads + " thread" + (threads == 1 ? "" : "s")
                + ", ND4J " + nd4jVersion + ", BLAS " + blas
                + (layerHelpers.equals("none") ? "" : ", " + layerHelpers + " available");
    }
}
