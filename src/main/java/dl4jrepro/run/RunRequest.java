package dl4jrepro.run;

import dl4jrepro.spec.ExperimentSpec;
import dl4jrepro.speedups.SpeedupSetting;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the user asked to run.
 *
 * @param seed           the run's seed, or null for the spec's
 * @param overrides      {@code --set key=value} pairs
 * @param dataDir        {@code --data-dir}, or null for the default locations
 * @param backend        auto, cpu or gpu
 * @param threads        OpenMP/BLAS threads, 0 for the environment's
 * @param speedups       {@code --speedups} as given (see {@link SpeedupSetting}), or null for the spec's setting
 * @param parallel       trials of a search run at once, each in its own worker process
 * @param experimentsDir where the specs are
 * @param resultsDir     where results go
 * @param command        the command line, recorded so the run can be repeated
 * @param ui             where trials send DL4J StatsListener reports ({@code --ui}: the UI server's address), or null
 */
public record RunRequest(String experiment, boolean quick, Long seed, Map<String, String> overrides, Path dataDir,
                         String backend, int threads, String speedups, int parallel, Path experimentsDir,
                         Path resultsDir, String command, String ui) {

    /** Which faster code runs may use: {@code --speedups} if given, else the spec's {@code speedups}, else all of it. */
    public SpeedupSetting speedupsFor(ExperimentSpec spec) {
        if (speedups != null) return SpeedupSetting.parse(speedups, "--speedups");
        if (spec.speedups() != null) return SpeedupSetting.parse(spec.speedups(), spec.id() + ": speedups");
        return SpeedupSetting.ON;
    }

    /** OpenMP/BLAS threads: {@code --threads} if given, else the spec's {@code threads}, else 0 (the environment's). */
    public int threadsFor(ExperimentSpec spec) {
        return threads > 0 ? threads : spec.threads() != null ? spec.threads() : 0;
    }

    /** The same request reading its data from another folder, e.g. where Spark put the files it shipped. */
    public RunRequest withDataDir(Path dir) {
        return new RunRequest(experiment, quick, seed, overrides, dir, backend, threads, speedups, parallel, experimentsDir,
                resultsDir, command, ui);
    }

    /** The same request with another thread count, for a worker process's share. */
    public RunRequest withThreads(int n) {
        return new RunRequest(experiment, quick, seed, overrides, dataDir, backend, n, speedups, parallel, experimentsDir,
                resultsDir, command, ui);
    }
}
