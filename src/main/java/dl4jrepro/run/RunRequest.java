package dl4jrepro.run;

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
 * @param parallel       trials of a search run at once, each in its own worker process
 * @param experimentsDir where the specs are
 * @param resultsDir     where results go
 * @param command        the command line, recorded so the run can be repeated
 */
public record RunRequest(String experiment, boolean quick, Long seed, Map<String, String> overrides, Path dataDir,
                         String backend, int threads, int parallel, Path experimentsDir, Path resultsDir,
                         String command) {}
