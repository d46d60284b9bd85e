package dl4jrepro;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.speedups.SpeedupSetting;
import dl4jrepro.speedups.Speedups;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Networks as runs build them, under a chosen speed-up setting, for tests that set one side against another. */
public final class TestNets {
    /** The CPU backend as BackendSelector describes it; the speed-up pass reads only its kind. */
    public static final BackendInfo CPU = new BackendInfo("cpu", "CpuBackend", "CPU", "test CPU", 1, "1.0.0-M2.1",
            "OpenBLAS", "oneDNN", "test-host");
    public static final BackendInfo GPU = new BackendInfo("gpu", "JCublasBackend", "GPU", "test GPU", 1, "1.0.0-M2.1",
            "cuBLAS", "none", "test-host");

    private TestNets() {}

    /**
     * The network of {@code conf} on the CPU with {@code speedups} (on, off, -pool, ...), every layer computing its input
     * gradient, which equivalence checks compare.
     */
    public static MultiLayerNetwork net(MultiLayerConfiguration conf, String speedups) {
        return prepared(conf, speedups).net();
    }

    public static Speedups.Prepared prepared(MultiLayerConfiguration conf, String speedups) {
        return Speedups.prepareKeepingInputGradients(conf, CPU, SpeedupSetting.parse(speedups, "test"));
    }
}
