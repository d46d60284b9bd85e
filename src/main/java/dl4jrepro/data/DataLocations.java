package dl4jrepro.data;

import dl4jrepro.base.UserError;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the data sets are. CIFAR-10: {@code --data-dir}, else {@code $REPRO_DATA_DIR}, else {@code ../shared/data}; in
 * each, either the folder itself or its {@code cifar-10-batches-bin/}. MNIST: {@code <data dir>/mnist} when it holds
 * the IDX files, else the cache {@code $REPRO_CACHE_DIR/mnist} (default {@code ~/.cache/dl4j-repro/mnist}), which the
 * set-up fills from the npm package when empty.
 */
public record DataLocations(Path dataDir, boolean explicit, Path cacheDir) {
    public static final String DATA_ENV = "REPRO_DATA_DIR";
    public static final String CACHE_ENV = "REPRO_CACHE_DIR";

    /** @param cliDataDir the {@code --data-dir} value, or null */
    public static DataLocations resolve(Path cliDataDir) {
        String env = System.getenv(DATA_ENV);
        Path dataDir = cliDataDir != null ? cliDataDir
                : env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared", "data");
        boolean explicit = cliDataDir != null || (env != null && !env.isBlank());
        String cache = System.getenv(CACHE_ENV);
        Path cacheDir = cache != null && !cache.isBlank() ? Path.of(cache)
                : Path.of(System.getProperty("user.home"), ".cache", "dl4j-repro");
        return new DataLocations(dataDir, explicit, cacheDir);
    }

    public Path cifarDir() {
        for (Path candidate : new Path[] {dataDir, dataDir.resolve("cifar-10-batches-bin")}) {
            if (Files.isRegularFile(candidate.resolve(CifarBinaryReader.TRAIN_FILES.get(0)))) return candidate;
        }
        String where = explicit ? dataDir.toString() : dataDir + " (the default; set --data-dir or " + DATA_ENV + ")";
        throw new UserError("CIFAR-10 not found in " + where + ": download the binary version (cifar-10-binary.tar.gz) "
                + "from https://www.cs.toronto.edu/~kriz/cifar.html, unpack it and pass its cifar-10-batches-bin folder "
                + "with --data-dir");
    }

    public Path mnistDir() {
        Path inData = dataDir.resolve("mnist");
        if (Files.isRegularFile(inData.resolve(MnistFiles.TRAIN_IMAGES))) return inData;
        return cacheDir.resolve("mnist");
    }
}
