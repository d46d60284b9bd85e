package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * A bridge that lets DL4J 1.0.0-M2.1 find its oneDNN layer helpers.
 *
 * <p>DL4J's {@code BaseMKLDNNHelper.mklDnnEnabled()} asks, by reflection, for
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}. In M2.1 that class moved to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and the method was renamed {@code isUseONEDNN()}, so the lookup
 * always fails and every convolution, pooling and batch-norm layer silently falls back to DL4J's slow im2col path even
 * with the oneDNN native build loaded. This class answers the old question with the new API. It is looked up by name
 * only; nothing else uses it. See {@link dl4jrepro.backend.OneDnn}.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {}

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether the loaded CPU backend was built with oneDNN and has it switched on; false on any other backend. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object instance = env.getMethod("getInstance").invoke(null);
                Method useOneDnn = env.getMethod("isUseONEDNN");
                return (Boolean) useOneDnn.invoke(instance);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
