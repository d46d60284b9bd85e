package dl4jrepro.search;

import dl4jrepro.base.Json;
import dl4jrepro.run.RunRequest;
import dl4jrepro.search.TrialPlan.Trial;
import dl4jrepro.spec.ExperimentSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * k worker JVMs, each running trials it is sent one at a time (so long and short trials balance out) with its share of
 * the threads. Workers write their own trial records; the pool only hands out work and reports progress.
 */
final class WorkerPool {
    private final ExperimentSpec spec;
    private final RunRequest request;
    private final int workers;
    private final Progress progress;
    private final PrintStream out;

    WorkerPool(ExperimentSpec spec, RunRequest request, int workers, Progress progress, PrintStream out) {
        this.spec = spec;
        this.request = request;
        this.workers = workers;
        this.progress = progress;
        this.out = out;
    }

    void runAll(Deque<Trial> todo) throws IOException {
        int totalThreads = request.threads() > 0 ? request.threads() : Runtime.getRuntime().availableProcessors();
        int perWorker = Math.max(1, totalThreads / workers);
        List<Process> processes = new ArrayList<>();
        Thread killer = new Thread(() -> processes.forEach(Process::destroy));
        Runtime.getRuntime().addShutdownHook(killer);
        try {
            List<Thread> feeders = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                ProcessBuilder pb = new ProcessBuilder(command(perWorker));
                pb.redirectError(ProcessBuilder.Redirect.INHERIT);
                pb.environment().put("OMP_NUM_THREADS", String.valueOf(perWorker));
                Process p = pb.start();
                processes.add(p);
                Thread feeder = new Thread(() -> feed(p, todo), "worker-" + w);
                feeder.start();
                feeders.add(feeder);
            }
            for (Thread f : feeders) f.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            processes.forEach(Process::destroy);
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // already shutting down: the hook stops the workers
            }
        }
    }

    /** Hands trials to one worker until the queue is empty or the worker dies. */
    private void feed(Process p, Deque<Trial> todo) {
        try (PrintWriter to = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
             BufferedReader from = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            while (true) {
                Trial t;
                synchronized (todo) {
                    t = todo.poll();
                }
                if (t == null) return;
                to.println("trial " + t.index());
                String reply;
                do {
                    reply = from.readLine();
                } while (reply != null && !reply.startsWith("done "));
                if (reply == null) {
                    out.println("[" + spec.id() + "] a worker stopped during trial " + (t.index() + 1)
                            + " (if it stopped before recording it, the trial runs again on the next 'run')");
                    return;
                }
                String[] f = reply.split(" ");
                progress.finished(t, f[2], Double.parseDouble(f[3]), Double.parseDouble(f[4]), out);
            }
        } catch (IOException e) {
            out.println("[" + spec.id() + "] lost contact with a worker: " + e.getMessage());
        }
    }

    private List<String> command(int threads) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(SearchWorker.class.getName());
        cmd.add(Json.CANONICAL.writeValueAsString(request.withThreads(threads)));
        return cmd;
    }
}
