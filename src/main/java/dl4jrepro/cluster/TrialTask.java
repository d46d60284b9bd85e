package dl4jrepro.cluster;

import com.fasterxml.jackson.core.type.TypeReference;
import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.base.Json;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.results.RunRecord;
import dl4jrepro.run.ResolvedConfig;
import dl4jrepro.run.RunRequest;
import dl4jrepro.run.TrialRunner;
import dl4jrepro.search.SearchRunner;
import dl4jrepro.search.TrialPlan.Trial;
import dl4jrepro.spec.ExperimentSpec;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.function.Function;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One trial on a Spark executor: given the trial's id, it trains the trial as a local run
 * would and returns its record as JSON for the driver to store. It carries everything it needs, since an executor has
 * neither the driver's spec files nor, unless the data were shipped to it, its data.
 */
final class TrialTask implements Function<String, String> {
    private static final long serialVersionUID = 1L;
    /** An executor JVM selects its backend once; tasks running side by side in it share the selection. */
    private static final Map<String, BackendInfo> BACKENDS = new ConcurrentHashMap<>();
    private static final Map<String, List<Trial>> PLANS = new ConcurrentHashMap<>();

    private final String specJson;
    private final String requestJson;
    private final boolean dataShipped;
    private final Map<String, String> expectedChecksums;
    private final String driverSoftwareJson;

    /**
     * @param request           the run's request, with the threads each task has
     * @param dataShipped       whether the data set's files were added to the Spark context (read them from there)
     * @param expectedChecksums by trial id, the data checksum the driver computed for that trial's data
     * @param driverSoftware    the driver's code provenance: the executors run the code it shipped
     */
    TrialTask(ExperimentSpec spec, RunRequest request, boolean dataShipped, Map<String, String> expectedChecksums,
              Map<String, Object> driverSoftware) {
        // Order-preserving JSON: the order of the spec's grid axes is the order of its plan.
        this.specJson = write(spec);
        this.requestJson = write(request);
        this.dataShipped = dataShipped;
        this.expectedChecksums = new LinkedHashMap<>(expectedChecksums);
        this.driverSoftwareJson = write(driverSoftware);
    }

    private static String write(Object o) {
        try {
            return Json.MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String call(String trialId) throws IOException {
        ExperimentSpec spec = Json.MAPPER.readValue(specJson, ExperimentSpec.class);
        RunRequest request = Json.MAPPER.readValue(requestJson, RunRequest.class);
        if (dataShipped) request = request.withDataDir(Path.of(SparkFiles.getRootDirectory()));
        RunRequest finalRequest = request;
        List<Trial> plan = PLANS.computeIfAbsent(specJson + requestJson, k -> SearchRunner.plan(spec, finalRequest));
        Trial t = plan.stream().filter(p -> p.id().equals(trialId)).findFirst().orElseThrow(() -> new IllegalStateException(
                "trial " + trialId + " is not in the plan the executor expanded from the spec the driver sent"));
        RunRecord record;
        try {
            record = train(spec, request, plan, t);
        } catch (RuntimeException e) {
            record = SearchRunner.failedRecord(spec, request, t, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return write(record.toBuilder().software(software(record.software())).build());
    }

    private RunRecord train(ExperimentSpec spec, RunRequest request, List<Trial> plan, Trial t) {
        BackendInfo backend = BACKENDS.computeIfAbsent(request.backend() + "/" + request.threads(),
                k -> BackendSelector.select(request.backend(), request.threads()));
        DatasetRepository data = new DatasetRepository(DataLocations.resolve(request.dataDir()));
        ResolvedConfig config = ResolvedConfig.of(spec, request.quick(), t.overrides());
        // The same data as the driver's, or no trial: a record always names the data it was trained on.
        String here = data.checksum(config.spec().data(), config.spec().seed());
        String expected = expectedChecksums.get(t.id());
        if (!here.equals(expected)) {
            return SearchRunner.failedRecord(spec, request, t, "the data on executor host " + BackendInfo.thisHost()
                    + " have checksum " + here + ", the driver's " + expected + ": give every node the same files");
        }
        TrialRunner runner = new TrialRunner(backend, request.speedupsFor(spec), data, System.out);
        // No checkpoint: an executor's disk is not the driver's. A lost task's trial starts again from its beginning.
        return SearchRunner.runTrial(runner, spec, request, t, plan.size(), null);
    }

    /** This executor's software (Java, DL4J, OS) with the driver's commit, since it runs the code the driver shipped. */
    private Map<String, Object> software(Map<String, Object> executor) {
        Map<String, Object> merged = new LinkedHashMap<>(executor);
        try {
            Map<String, Object> driver = Json.MAPPER.readValue(driverSoftwareJson, new TypeReference<>() {});
            for (String key : List.of("git_commit", "git_dirty")) {
                if (driver.containsKey(key)) merged.put(key, driver.get(key));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return merged;
    }
}
