package dl4jrepro.cluster;

import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import dl4jrepro.results.RunRecord;
import dl4jrepro.run.Provenance;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.run.RunRequest;
import dl4jrepro.search.SearchRunner;
import dl4jrepro.search.SearchWork;
import dl4jrepro.search.TrialExecutor;
import dl4jrepro.search.TrialPlan.Trial;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A search's trials as Apache Spark tasks: one trial per task, one small job per trial. Each job's result, the trial's
 * record, comes back to the driver when that trial ends and is appended to the search's store at once; stopping the
 * driver loses only the trials that were running, and {@code run} (on Spark or not) resumes from the store.
 * <p>
 * A trial's threads are its task's cores ({@code spark.task.cpus}, from {@code --threads}, default 1). An executor
 * with as many cores as one task runs one network at a time, as this project's local worker processes do. MNIST and
 * CIFAR-10 files reach the executors through {@code SparkContext.addFile} (no shared disk needed); every executor checks
 * the checksum of what it reads against the driver's before it trains. Spark reruns a task whose executor was lost;
 * the driver stores the one result that returns, so each trial is recorded once.
 */
public final class SparkTrials implements TrialExecutor {
    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\d+)?])?");
    /** The cluster managers Spark 4 knows, by their URLs' form. */
    private static final Pattern MASTER = Pattern.compile("local(\\[.*])?|local-cluster\\[.*]|spark://.+|yarn|k8s://.+");
    private static final long POLL_MILLIS = 200;

    private final String master;

    /** @param master a Spark master URL, or null for the one {@code spark-submit} gave ({@code spark.master}) */
    public SparkTrials(String master) {
        this.master = master == null || master.isBlank() ? null : master.trim();
    }

    @Override
    public void check(RunRequest request) {
        String url = masterOf(new SparkConf());
        if (!MASTER.matcher(url).matches()) {
            throw new UserError("--spark " + url + ": not a Spark master URL; use local[K], spark://HOST:7077, yarn or "
                    + "k8s://https://HOST:PORT");
        }
        checkLocalCores(url, new SparkConf().getInt("spark.task.cpus", Math.max(1, request.threads())));
    }

    @Override
    public String describe(int pending) {
        return " as Spark tasks on " + masterOf(new SparkConf());
    }

    private String masterOf(SparkConf conf) {
        if (master != null) return master;
        if (conf.contains("spark.master")) return conf.get("spark.master");
        throw new UserError("--spark: no master given and none from spark-submit; give one, e.g. --spark local[2] or "
                + "--spark spark://HOST:7077");
    }

    @Override
    public void runAll(SearchWork w) throws IOException {
        SparkConf conf = new SparkConf().setAppName("dl4j-repro " + w.spec().id());
        String url = masterOf(conf);
        conf.setMaster(url);
        conf.setIfMissing("spark.task.cpus", String.valueOf(Math.max(1, w.request().threads())));
        int taskCpus = conf.getInt("spark.task.cpus", 1);
        RunRequest onExecutors = w.request().withThreads(taskCpus);

        JavaSparkContext sc;
        try {
            sc = new JavaSparkContext(conf);
        } catch (Exception e) {
            throw new UserError("--spark " + url + ": Spark did not start (" + firstLine(e) + "); use local[K], "
                    + "spark://HOST:PORT, yarn or k8s://https://HOST:PORT with a reachable master");
        }
        try {
            boolean shipped = ship(sc, w);
            Map<String, String> checksums = new LinkedHashMap<>();
            for (Trial t : w.todo()) {
                ResolvedConfig c = ResolvedConfig.of(w.spec(), w.request().quick(), t.overrides());
                checksums.put(t.id(), w.data().checksum(c.spec().data(), c.spec().seed()));
            }
            TrialTask task = new TrialTask(w.spec(), onExecutors, shipped, checksums, Provenance.software());
            w.out().println("[" + w.spec().id() + "] Spark application " + sc.sc().applicationId() + " on " + url
                    + ", " + taskCpus + " core" + (taskCpus == 1 ? "" : "s") + " per trial"
                    + (sc.sc().uiWebUrl().isDefined() ? "; Spark UI " + sc.sc().uiWebUrl().get() : ""));
            Map<JavaFutureAction<List<String>>, Trial> running = new LinkedHashMap<>();
            int total = w.plan().size();
            for (Trial t : w.todo()) {
                sc.setJobDescription(w.spec().id() + " trial " + (t.index() + 1) + "/" + total + " " + t.overrides());
                running.put(sc.parallelize(List.of(t.id()), 1).map(task).collectAsync(), t);
            }
            collect(sc, running, w);
        } finally {
            sc.stop();
        }
    }

    /** Stores each trial's record as its job ends, in the order they end, until every job has ended. */
    private static void collect(JavaSparkContext sc, Map<JavaFutureAction<List<String>>, Trial> running, SearchWork w)
            throws IOException {
        while (!running.isEmpty()) {
            boolean any = false;
            for (Iterator<Map.Entry<JavaFutureAction<List<String>>, Trial>> it = running.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<JavaFutureAction<List<String>>, Trial> e = it.next();
                if (!e.getKey().isDone()) continue;
                it.remove();
                any = true;
                Trial t = e.getValue();
                RunRecord r;
                try {
                    r = Json.MAPPER.readValue(e.getKey().get().get(0), RunRecord.class);
                    if (!t.id().equals(r.trialId())) {
                        r = SearchRunner.failedRecord(w.spec(), w.request(), t, "an executor returned trial "
                                + r.trialId() + " for trial " + t.id() + ": the executors run other code than the driver");
                    }
                } catch (ExecutionException failed) {
                    // The application stopping (the driver is being stopped) is not the trial's failure: no record,
                    // so the next run trains it.
                    if (sc.sc().isStopped()) return;
                    r = SearchRunner.failedRecord(w.spec(), w.request(), t, "Spark: " + firstLine(failed.getCause()));
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
                w.store().append(r);
                w.progress().finished(t, r, w.out());
            }
            if (!any) {
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Adds the data set's files to the context, for executors to fetch; false for generated data, which has none. */
    private static boolean ship(JavaSparkContext sc, SearchWork w) {
        if (w.spec().data().isOneDimensional()) return false;
        for (Path f : w.data().files(w.spec().data().dataset())) sc.addFile(f.toAbsolutePath().toString());
        return true;
    }

    /** A local master runs every task in this JVM: it needs at least one task's cores. */
    private static void checkLocalCores(String url, int taskCpus) {
        Matcher m = LOCAL.matcher(url);
        if (!m.matches()) return;
        int cores = m.group(1) == null ? 1
                : m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
        if (cores < taskCpus) {
            throw new UserError("--spark " + url + ": " + cores + " core" + (cores == 1 ? "" : "s") + " cannot run a "
                    + "trial of " + taskCpus + " threads; use local[" + taskCpus + "] or more, or fewer --threads");
        }
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
