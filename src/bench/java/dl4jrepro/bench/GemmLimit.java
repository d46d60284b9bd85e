package dl4jrepro.bench;

import dl4jrepro.backend.BackendSelector;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic limit a dense net's training cannot beat on this machine: single-precision matrix products through
 * ND4J (OpenBLAS), timed alone, best of three.
 */
final class GemmLimit {
    private GemmLimit() {}

    /**
     * GFLOP/s of one n×n×n product, at 1 thread and at every thread of the machine; the thread count in use before
     * is restored, so that what a caller times next runs as it asked.
     */
    static Map<String, Object> square(int n) {
        int before = Nd4j.factory().blas().getMaxThreads();
        Map<String, Object> out = new LinkedHashMap<>();
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n), c = Nd4j.zeros(DataType.FLOAT, n, n);
        int cores = Runtime.getRuntime().availableProcessors();
        for (int threads : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
            BackendSelector.select("cpu", threads);
            Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            double best = Double.MAX_VALUE;
            for (int r = 0; r < 3; r++) {
                long t0 = System.nanoTime();
                Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            out.put("gflops_" + threads + "_threads", 2.0 * n * n * n / best / 1e9);
        }
        BackendSelector.select("cpu", before);
        out.put("n", n);
        return out;
    }

    /**
     * Training samples/s if a step did nothing but its matrix products: per dense layer the forward product A·W, the
     * weight gradient Aᵀ·dZ and, except for the first layer, the input gradient dZ·Wᵀ, at the net's own shapes.
     *
     * @param shapes [nIn, nOut] of each dense layer, in order
     */
    static double denseTraining(List<long[]> shapes, int batch, double seconds) {
        List<INDArray[]> layers = new ArrayList<>();
        for (long[] s : shapes) {
            layers.add(new INDArray[] {Nd4j.rand(DataType.FLOAT, batch, s[0]), Nd4j.rand(DataType.FLOAT, s[0], s[1]),
                    Nd4j.zeros(DataType.FLOAT, batch, s[1]), Nd4j.rand(DataType.FLOAT, batch, s[1]),
                    // dW column-major, as DL4J keeps it: OpenBLAS writes Aᵀ·dZ into it twice as fast as into a
                    // row-major one (1.3 against 2.4 ms at 200×3072×50)
                    Nd4j.create(DataType.FLOAT, new long[] {s[0], s[1]}, 'f'), Nd4j.zeros(DataType.FLOAT, batch, s[0])});
        }
        step(layers);
        long t0 = System.nanoTime();
        int probe = 0;
        while ((System.nanoTime() - t0) / 1e9 < 0.3) {
            step(layers);
            probe++;
        }
        int steps = (int) Math.max(3, probe * seconds / 3 / 0.3);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 3; r++) {
            long s0 = System.nanoTime();
            for (int i = 0; i < steps; i++) step(layers);
            best = Math.min(best, (System.nanoTime() - s0) / 1e9);
        }
        return (double) steps * batch / best;
    }

    private static void step(List<INDArray[]> layers) {
        for (int i = 0; i < layers.size(); i++) {
            INDArray[] l = layers.get(i);  // A, W, Z, dZ, dW, dA
            Nd4j.gemm(l[0], l[1], l[2], false, false, 1.0, 0.0);
            Nd4j.gemm(l[0], l[3], l[4], true, false, 1.0, 0.0);
            if (i > 0) Nd4j.gemm(l[3], l[1], l[5], false, true, 1.0, 0.0);
        }
    }
}
