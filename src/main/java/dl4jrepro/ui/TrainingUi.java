package dl4jrepro.ui;

import dl4jrepro.base.UserError;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * DL4J's training UI for {@code run --ui}: its server ({@code src/ui}, built with Maven on first use into
 * {@code target/ui/}) in a JVM of its own, which this process's StatsListeners post their reports to.
 *
 * <p>Why a second JVM: deeplearning4j-ui 1.0.0-M2.1 serves through Vert.x 3.9, which needs Netty 4.1; the project's
 * Spark brings Netty 4.2, on which Vert.x accepts no connection (an IllegalStateException per request). DL4J's remote
 * listener (RemoteUIStatsStorageRouter) is made for exactly this split, so the two class paths never meet.
 *
 * <p>The server stops when its standard input, held by this object, closes: at {@link #close()}, or when this process
 * dies, so no UI server outlives its run.
 */
public final class TrainingUi implements AutoCloseable {
    public static final int DEFAULT_PORT = 9000;
    private static final String SERVER_MAIN = "dl4jrepro.uiserver.TrainingUiServer";
    private static final long START_SECONDS = 120;

    private final Process process;
    private final int port;

    private TrainingUi(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Builds the server if its sources changed, starts it on {@code port} and waits until it listens. */
    public static TrainingUi start(int port, PrintStream out) throws IOException {
        if (port < 1 || port > 65535) throw new UserError("--ui=" + port + ": a port is 1 to 65535; the default is " + DEFAULT_PORT);
        try (ServerSocket ignored = new ServerSocket(port)) {
            // free: the server binds it next
        } catch (IOException e) {
            throw new UserError("--ui=" + port + ": port " + port + " is taken (" + e.getMessage()
                    + "); name a free one, e.g. --ui=" + (port == 65535 ? port - 1 : port + 1));
        }
        Path classes = classesFolder();
        Path root = projectRoot(classes);
        Path classpath = build(root, out);
        Path log = root.resolve("target/ui/server.log");
        // This project's classes last: a network's configuration names the layers the speed-ups swapped in, and the
        // UI reads it to draw the model page.
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g",
                "-cp", String.join(File.pathSeparator, root.resolve("target/ui/classes").toString(),
                        Files.readString(classpath).trim(), classes.toString()),
                SERVER_MAIN, String.valueOf(port));
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        TrainingUi ui = new TrainingUi(p, port);
        try {
            String first = CompletableFuture.supplyAsync(() -> firstLine(p))
                    .get(START_SECONDS, TimeUnit.SECONDS);
            if (first == null || !first.startsWith("ready ")) {
                throw new UserError("--ui: DL4J's UI server did not start: " + lastLine(log) + " (log: " + log + ")");
            }
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            ui.close();
            throw new UserError("--ui: DL4J's UI server did not start within " + START_SECONDS + " s (log: " + log + ")");
        } catch (UserError e) {
            ui.close();
            throw e;
        }
        return ui;
    }

    /** Where StatsListeners send their reports (DL4J's remote receiver is under this address). */
    public String url() {
        return "http://localhost:" + port;
    }

    /** The page a user opens. */
    public String trainPage() {
        return url() + "/train";
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path classesFolder() {
        try {
            return Path.of(TrainingUi.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The folder with pom.xml and src/ui: this program's classes are its target/classes. */
    private static Path projectRoot(Path classes) {
        Path root = classes.getParent() == null ? null : classes.getParent().getParent();
        if (root == null || !Files.isRegularFile(root.resolve("src/ui/pom.xml"))) {
            throw new UserError("--ui builds DL4J's UI server from src/ui/pom.xml of a dl4j-repro checkout, and this "
                    + "program (" + classes + ") is not in one; run --ui through ./repro in the checkout");
        }
        return root;
    }

    /** target/ui/classpath.txt, after building the server when its sources are newer than the last build. */
    private static Path build(Path root, PrintStream out) throws IOException {
        Path classpath = root.resolve("target/ui/classpath.txt");
        if (Files.isRegularFile(classpath) && !newerThan(Files.getLastModifiedTime(classpath).toMillis(),
                root.resolve("src/ui/pom.xml"), root.resolve("src/ui/java"))) {
            return classpath;
        }
        out.println("[ui] building DL4J's UI server (src/ui; the first build fetches deeplearning4j-ui and Vert.x) ...");
        Files.createDirectories(classpath.getParent());
        Files.deleteIfExists(classpath);
        Path log = root.resolve("target/ui/build.log");
        List<String> mvn = List.of("mvn", "-B", "-q", "-f", root.resolve("src/ui/pom.xml").toString(), "compile",
                "dependency:build-classpath", "-Dmdep.outputFile=" + classpath);
        int code;
        try {
            code = new ProcessBuilder(mvn).redirectErrorStream(true).redirectOutput(log.toFile()).start().waitFor();
        } catch (IOException e) {
            throw new UserError("--ui: could not start Maven (" + e.getMessage() + "), which builds DL4J's UI server "
                    + "once; put mvn on the PATH");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("--ui: interrupted while building DL4J's UI server");
        }
        if (code != 0 || !Files.isRegularFile(classpath)) {
            throw new UserError("--ui: building DL4J's UI server failed: " + lastLine(log) + " (log: " + log + ")");
        }
        return classpath;
    }

    private static boolean newerThan(long millis, Path... sources) throws IOException {
        for (Path source : sources) {
            try (Stream<Path> files = Files.walk(source)) {
                if (files.filter(Files::isRegularFile).anyMatch(f -> f.toFile().lastModified() > millis)) return true;
            }
        }
        return false;
    }

    private static String firstLine(Process p) {
        try {
            return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return null;
        }
    }

    private static String lastLine(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("(empty log)").trim();
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
