package dl4jrepro.speedups;

import org.nd4j.nativeblas.NativeOpsHolder;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a loop over independent items on as many threads as ND4J's native ops use ({@code --threads}, OpenMP's count),
 * the caller taking the first share. Why: with two threads the convolutions and matrix products in native code run
 * on both cores while this project's Java loops (batch norm, pooling, Adam) ran on one, and became a third of the
 * MNIST CNN's step. With one thread (every MLP, and searches' one-thread workers) the loop runs inline, as before.
 */
public final class ParallelLoops {
    /** The loop's body over the items [from, to). */
    public interface Range {
        void run(int from, int to);
    }

    private static final ExecutorService HELPERS = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "java-loops");
        t.setDaemon(true);
        return t;
    });

    private ParallelLoops() {}

    /** Runs {@code body} over [0, count) split into contiguous shares, one per native thread. */
    public static void forRange(int count, Range body) {
        int threads = Math.min(count, NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
        if (threads <= 1) {
            body.run(0, count);
            return;
        }
        Future<?>[] others = new Future<?>[threads - 1];
        for (int t = 1; t < threads; t++) {
            int from = share(count, threads, t), to = share(count, threads, t + 1);
            others[t - 1] = HELPERS.submit(() -> body.run(from, to));
        }
        body.run(0, share(count, threads, 1));
        try {
            for (Future<?> f : others) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in a parallel loop", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        }
    }

    private static int share(int count, int threads, int t) {
        return (int) ((long) count * t / threads);
    }
}
