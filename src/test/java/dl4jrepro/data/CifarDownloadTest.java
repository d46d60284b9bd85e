package dl4jrepro.data;

import com.sun.net.httpserver.HttpServer;
import dl4jrepro.TestData;
import dl4jrepro.base.UserError;
import dl4jrepro.cli.CliRun;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./repro data cifar10} against a local HTTP server serving a small archive of real records laid out as the
 * official one: a good transfer, a wrong checksum, a transfer cut short, and a second run with the data in place.
 */
class CifarDownloadTest {
    @TempDir Path tmp;
    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /** The fixture's batch files in a tar.gz under cifar-10-batches-bin/, with a text file beside them as the original has. */
    static byte[] archive() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            List<String> files = new ArrayList<>(CifarBinaryReader.TRAIN_FILES);
            files.add(CifarBinaryReader.TEST_FILE);
            files.add("README.md");
            for (String f : files) {
                byte[] content = Files.readAllBytes(TestData.cifarDir().resolve(f));
                TarArchiveEntry e = new TarArchiveEntry(CifarDownload.FOLDER + "/" + (f.equals("README.md") ? "readme.html" : f));
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Serves {@code body}, announcing {@code length} bytes (more than it sends: a transfer cut short). */
    URI serve(byte[] body, long length) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/cifar-10-binary.tar.gz", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, length);
            OutputStream o = exchange.getResponseBody();
            o.write(body);
            o.flush();
            // Failing the exchange drops the connection: a short answer then reaches the client cut off.
            if (body.length < length) throw new IOException("connection dropped after " + body.length + " bytes");
            o.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/cifar-10-binary.tar.gz");
    }

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
    }

    CifarDownload download(URI from, String md5) {
        return new CifarDownload(from, md5, new PrintStream(log, true));
    }

    /** Everything under {@code dir}, relative. */
    static List<String> contents(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void aGoodArchiveIsUnpackedCheckedAndNotFetchedTwice() throws IOException {
        byte[] archive = archive();
        URI url = serve(archive, archive.length);
        Path data = tmp.resolve("data");
        Path batches = download(url, Md5.of(archive)).install(data, null);
        assertEquals(data.resolve(CifarDownload.FOLDER), batches);
        for (String f : CifarBinaryReader.TRAIN_FILES) {
            assertArrayEquals(Files.readAllBytes(TestData.cifarDir().resolve(f)), Files.readAllBytes(batches.resolve(f)), f);
        }
        assertEquals(List.of(CifarDownload.FOLDER), contents(data).stream().filter(p -> !p.contains("/")).toList(),
                "nothing but the batches' folder is left");
        assertEquals(300, CifarBinaryReader.read(batches, List.of("data_batch_1.bin"), 300).count());

        download(url, Md5.of(archive)).install(data, null);
        assertEquals(1, requests.get(), "a second run finds the data and downloads nothing");
        assertTrue(log.toString().contains("already in"), log.toString());
    }

    @Test
    void aWrongChecksumIsOneLineAndLeavesNothing() throws IOException {
        byte[] archive = archive();
        URI url = serve(archive, archive.length);
        Path data = tmp.resolve("data");
        UserError e = assertThrows(UserError.class, () -> download(url, CifarDownload.OFFICIAL_MD5).install(data, null));
        assertTrue(e.getMessage().contains("has md5 " + Md5.of(archive) + ", not the published " + CifarDownload.OFFICIAL_MD5)
                && !e.getMessage().contains("\n"), e.getMessage());
        assertEquals(List.of(), contents(data), "no archive, no unpacked files");
    }

    @Test
    void aTransferCutShortLeavesNothingAndTheNextRunCompletes() throws IOException {
        byte[] archive = archive();
        byte[] half = java.util.Arrays.copyOf(archive, archive.length / 2);
        URI url = serve(half, archive.length);
        Path data = tmp.resolve("data");
        UserError e = assertThrows(UserError.class, () -> download(url, Md5.of(archive)).install(data, null));
        assertTrue(e.getMessage().contains("broke off") && e.getMessage().contains("run the command again"), e.getMessage());
        assertEquals(List.of(), contents(data), "nothing half-written");

        // A run killed midway leaves its temporary files; the next run clears them and finishes.
        Files.writeString(data.resolve(".cifar-10-partial-archive-1.tar.gz"), "killed");
        server.stop(0);
        URI good = serve(archive, archive.length);
        download(good, Md5.of(archive)).install(data, null);
        assertEquals(List.of(CifarDownload.FOLDER), contents(data).stream().filter(p -> !p.contains("/")).toList());
    }

    @Test
    void theDataCommandTakesAnArchiveFromAFileAndRefusesAnotherThanTheOfficial() throws IOException {
        Path file = tmp.resolve("cifar-10-binary.tar.gz");
        Files.write(file, archive());
        Path data = tmp.resolve("data");
        CliRun run = CliRun.of("data", "cifar10", "--from", file.toString(), "--data-dir", data.toString());
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("not the published " + CifarDownload.OFFICIAL_MD5), run.err());
        assertFalse(Files.exists(data.resolve(CifarDownload.FOLDER)));

        // The same archive passes under its own md5 (a mirror's repack, say): the class the command uses does the rest.
        download(URI.create("http://127.0.0.1:9/unused"), Md5.of(file)).install(data, file);
        assertTrue(CifarDownload.present(data.resolve(CifarDownload.FOLDER)));
        CliRun again = CliRun.of("data", "cifar10", "--data-dir", data.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("already in"), again.out());

        CliRun unknown = CliRun.of("data", "imagenet");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown data set 'imagenet': use cifar10 or mnist"), unknown.err());
    }
}
