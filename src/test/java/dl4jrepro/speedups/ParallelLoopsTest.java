package dl4jrepro.speedups;

import dl4jrepro.data.InputShape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With two native threads the Java loops split their work, and the layers built on them compute the same numbers. */
class ParallelLoopsTest {
    private int before;

    @BeforeEach
    void twoThreads() {
        Nd4j.getBackend();  // loads the native library NativeOpsHolder needs
        before = NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(2);
    }

    @AfterEach
    void restore() {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(before);
    }

    @Test
    void everyItemRunsOnceAcrossTwoThreads() {
        AtomicIntegerArray seen = new AtomicIntegerArray(1001);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        ParallelLoops.forRange(1001, (from, to) -> {
            threads.add(Thread.currentThread().getName());
            for (int i = from; i < to; i++) seen.incrementAndGet(i);
        });
        for (int i = 0; i < seen.length(); i++) assertEquals(1, seen.get(i), "item " + i);
        assertEquals(2, threads.size(), threads.toString());
    }

    @Test
    void aFailureInTheOtherThreadReachesTheCaller() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParallelLoops.forRange(10,
                (from, to) -> {
                    if (from > 0) throw new IllegalArgumentException("second share failed");
                }));
        assertEquals("second share failed", e.getMessage());
    }

    @Test
    void batchNormAndPoolingStillMatchDl4jOnTwoThreads() throws IOException {
        FastBatchNormTest.assertSame(FastBatchNormTest.cnn("-batchnorm"), FastBatchNormTest.cnn("on"), FastBatchNormTest.IMAGES.features());
        FastBatchNormTest.assertSame(FastBatchNormTest.mlp("-batchnorm"), FastBatchNormTest.mlp("on"), 7);
        assertTrue(FastMaxPoolTest.assertSameAsDl4j(new InputShape(2, 8, 8), "relu").stream().allMatch(p -> p > 0));
    }
}
