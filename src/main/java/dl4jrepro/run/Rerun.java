package dl4jrepro.run;

import dl4jrepro.backend.BackendInfo;
import dl4jrepro.backend.BackendSelector;
import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.DatasetRepository;
import dl4jrepro.families.Families;
import dl4jrepro.results.RunDiff;
import dl4jrepro.results.RunRecord;
import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.speedups.SpeedupSetting;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;

/**
 * Trains a stored run or trial again from its own record: the spec as it was, its settings, seed, budget and speed-ups.
 * It refuses, with one line, when this checkout's code or the data on disk are not the ones the record names, since
 * the rerun would then answer another question; {@code --anyway} runs it regardless and the diff shows what changed.
 */
public final class Rerun {
    private Rerun() {}

    /**
     * @param currentSpec the experiment's spec as it is now: a search's trial records keep no spec of their own, so
     *                    they rerun from it when it still gives the record's settings, budget and data
     * @param into        where the rerun's run.json goes (a new folder)
     * @return the rerun's record
     */
    public static RunRecord run(RunDiff.Side stored, ExperimentSpec currentSpec, boolean anyway, Path dataDir, int threads,
                                Path into, PrintStream out) throws IOException {
        RunRecord r = stored.record();
        ExperimentSpec spec = r.spec() != null ? r.spec() : currentSpec;
        ResolvedConfig config = ResolvedConfig.of(spec, r.quick(), r.overrides() == null ? Map.of() : r.overrides());
        if (r.spec() == null && !anyway && !TrialRunner.trainedWith(r, config, null)) {
            throw new UserError("rerun " + stored.name() + ": the spec of " + spec.id() + " has changed since the trial "
                    + "ran (its settings, budget or data settings differ); restore it, or add --anyway");
        }
        Map<String, Object> software = Provenance.software();
        String recordedCommit = String.valueOf(r.software().get("git_commit")), commit = String.valueOf(software.get("git_commit"));
        boolean recordedDirty = Boolean.TRUE.equals(r.software().get("git_dirty")), dirty = Boolean.TRUE.equals(software.get("git_dirty"));
        if (!anyway && (!recordedCommit.equals(commit) || recordedDirty || dirty)) {
            throw new UserError("rerun " + stored.name() + ": it was made by commit " + shortCommit(recordedCommit)
                    + (recordedDirty ? " with uncommitted changes" : "") + ", this checkout is " + shortCommit(commit)
                    + (dirty ? " with uncommitted changes" : "") + "; check out its commit, or add --anyway to run "
                    + "today's code (the diff then shows what changed)");
        }
        BackendInfo backend = BackendSelector.select("auto", threads, Families.byName(spec.family()).denseOnly());
        DatasetRepository data = new DatasetRepository(DataLocations.resolve(dataDir));
        String recordedData = String.valueOf(r.data() == null ? null : r.data().get("checksum"));
        String dataNow = data.checksum(config.spec().data(), config.spec().seed());
        if (!anyway && !Objects.equals(recordedData, dataNow)) {
            throw new UserError("rerun " + stored.name() + ": it trained on data with checksum " + recordedData
                    + ", the data here have " + dataNow + "; point --data-dir at its data, or add --anyway");
        }
        SpeedupSetting speedups = r.speedups() == null ? SpeedupSetting.ON : SpeedupSetting.parse(r.speedups(), "the record's speedups");
        TrialRunner runner = new TrialRunner(backend, speedups, data, out);
        RunRecord again = runner.train(config, r.seed(), r.overrides() == null ? Map.of() : r.overrides(),
                "rerun " + stored.name(), "rerun of " + stored.name(), r.trialIndex(), r.trialId(), r.quick(), null).record();
        AtomicFiles.write(into.resolve("run.json"), Json.MAPPER.writeValueAsString(again));
        out.println("rerun stored in " + into.resolve("run.json") + "\n");
        out.print(RunDiff.markdown(stored, new RunDiff.Side(into.toString(), again)));
        return again;
    }

    /** A fresh folder for a rerun of {@code name} under {@code resultsRoot}/reruns. */
    public static Path folderFor(Path resultsRoot, String name) {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        return resultsRoot.resolve("reruns").resolve(name.replaceAll("[^A-Za-z0-9._-]+", "_") + "-" + stamp);
    }

    private static String shortCommit(String c) {
        return c.matches("[0-9a-f]{40}") ? c.substring(0, 7) : c;
    }
}
