package dl4jrepro.data;

import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.UserError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Puts CIFAR-10's binary batches into a data folder: the official archive, downloaded (or given as a file for a machine
 * without that address) and checked against its published md5, then unpacked. Whatever happens midway, the folder holds
 * either the complete batches or nothing new: the archive and the unpacked files live under temporary names until they
 * are whole and checked, and a later attempt clears what a killed one left.
 */
public final class CifarDownload {
    public static final String OFFICIAL_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
    /** md5 of cifar-10-binary.tar.gz, as its page publishes it. */
    public static final String OFFICIAL_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
    public static final String FOLDER = "cifar-10-batches-bin";
    /** Temporary names: an archive in transfer and a folder being unpacked. */
    private static final String PARTIAL = ".cifar-10-partial-";
    private static final int READ_TIMEOUT_MS = 60_000;

    private final URI source;
    private final String md5;
    private final PrintStream out;

    /**
     * @param source where to download the archive from ({@link #OFFICIAL_URL} but for tests and mirrors)
     * @param md5    the archive's expected md5
     */
    public CifarDownload(URI source, String md5, PrintStream out) {
        this.source = source;
        this.md5 = md5;
        this.out = out;
    }

    /**
     * Whether {@code dir} holds the six batch files, each of whole records (the reader checks their count when it reads
     * them: 10,000 in the official files).
     */
    public static boolean present(Path dir) {
        List<String> files = new ArrayList<>(CifarBinaryReader.TRAIN_FILES);
        files.add(CifarBinaryReader.TEST_FILE);
        return files.stream().allMatch(f -> {
            try {
                long size = Files.isRegularFile(dir.resolve(f)) ? Files.size(dir.resolve(f)) : 0;
                return size > 0 && size % CifarBinaryReader.RECORD == 0;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /**
     * Makes {@code dataDir/cifar-10-batches-bin} hold the batches: nothing to do if they are there, else from
     * {@code archive} if given, else downloaded from the source.
     *
     * @return the batches' folder
     */
    public Path install(Path dataDir, Path archive) throws IOException {
        Path target = dataDir.resolve(FOLDER);
        if (present(target)) {
            out.println("CIFAR-10 is already in " + target + ": nothing to do");
            return target;
        }
        Files.createDirectories(dataDir);
        clearLeftovers(dataDir);
        Path downloaded = null;
        Path unpacked = Files.createTempDirectory(dataDir, PARTIAL + "unpack-");
        try {
            if (archive == null) {
                downloaded = Files.createTempFile(dataDir, PARTIAL + "archive-", ".tar.gz");
                download(downloaded);
            } else {
                if (!Files.isRegularFile(archive)) throw new UserError("--from " + archive + ": no such file");
                String actual = Md5.of(archive);
                if (!actual.equals(md5)) {
                    throw new UserError(archive + " has md5 " + actual + ", not the published " + md5
                            + " of cifar-10-binary.tar.gz: a damaged or different file; nothing was unpacked");
                }
            }
            unpack(archive != null ? archive : downloaded, unpacked);
            if (!present(unpacked.resolve(FOLDER))) {
                throw new UserError("the archive checks out but holds no complete " + FOLDER + "/ folder: nothing was unpacked");
            }
            AtomicFiles.deleteTree(target);  // an incomplete copy of our own making, or a user's partial one
            Files.move(unpacked.resolve(FOLDER), target, StandardCopyOption.ATOMIC_MOVE);
            out.println("CIFAR-10 unpacked into " + target + " (archive md5 " + md5 + " checked)");
            return target;
        } finally {
            AtomicFiles.deleteTree(unpacked);
            if (downloaded != null) Files.deleteIfExists(downloaded);
        }
    }

    /** Streams the archive to {@code file}, with progress, and checks its length and md5. */
    private void download(Path file) throws IOException {
        out.println("downloading " + source + " (about 163 MB) ...");
        HttpURLConnection connection;
        int status;
        try {
            connection = (HttpURLConnection) source.toURL().openConnection();
            connection.setConnectTimeout(30_000);
            connection.setReadTimeout(READ_TIMEOUT_MS);  // a stalled transfer fails instead of waiting for ever
            status = connection.getResponseCode();
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("cannot reach " + source + " (" + e.getClass().getSimpleName() + (e.getMessage() == null
                    ? "" : ": " + e.getMessage()) + "): fetch cifar-10-binary.tar.gz elsewhere and pass it with --from FILE");
        }
        if (status != 200) {
            connection.disconnect();
            throw new UserError(source + " answered HTTP " + status
                    + ": fetch cifar-10-binary.tar.gz elsewhere and pass it with --from FILE");
        }
        long expected = connection.getContentLengthLong();
        MessageDigest digest = Md5.digest();
        long read = 0;
        try (InputStream in = new DigestInputStream(connection.getInputStream(), digest); OutputStream o = Files.newOutputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long nextReport = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                o.write(buf, 0, n);
                read += n;
                if (read >= nextReport) {
                    out.print(String.format(Locale.ROOT, "\r  %.1f MB%s", read / 1e6,
                            expected > 0 ? String.format(Locale.ROOT, " of %.1f MB", expected / 1e6) : ""));
                    nextReport = read + 8_000_000;
                }
            }
        } catch (IOException e) {
            out.println();
            throw new UserError("download of " + source + " broke off after " + read + " bytes (" + e.getMessage()
                    + "): nothing was kept; run the command again");
        }
        out.println();
        if (expected >= 0 && read != expected) {
            throw new UserError("download of " + source + " broke off after " + read + " of " + expected
                    + " bytes: nothing was kept; run the command again");
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(md5)) {
            throw new UserError("the archive from " + source + " has md5 " + actual + ", not the published " + md5
                    + ": a damaged or different file; nothing was kept");
        }
    }

    /** Unpacks the tar.gz's regular files into {@code dir}, refusing any entry that would land outside it. */
    private static void unpack(Path archive, Path dir) throws IOException {
        try (InputStream raw = Files.newInputStream(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw))) {
            for (TarArchiveEntry e; (e = tar.getNextTarEntry()) != null; ) {
                if (!e.isFile()) continue;
                Path to = dir.resolve(e.getName()).normalize();
                if (!to.startsWith(dir)) throw new UserError(archive + ": entry " + e.getName() + " points outside the folder");
                Files.createDirectories(to.getParent());
                Files.copy(tar, to);
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new UserError(archive + " is not a whole tar.gz archive (" + e.getMessage() + ")");
        }
    }

    /** What an attempt killed midway left: its temporary archive and folder. */
    private static void clearLeftovers(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.list(dataDir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().startsWith(PARTIAL)).toList()) AtomicFiles.deleteTree(p);
        }
    }

}
