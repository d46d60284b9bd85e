package dl4jrepro.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dl4jrepro.base.Json;
import dl4jrepro.spec.ExperimentSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * {@code repro serve}: a local web page over {@code results/}, on the JDK's own HTTP server. The page
 * ({@code index.html}, {@code app.js}, Chart.js from its webjar) asks {@code /api/overview} and {@code /api/trials} for
 * JSON made from the results' files and loads tables, summaries and pictures from {@code /results/}. It listens on
 * the loopback address unless told otherwise and serves nothing outside the results folder: a path that climbs out,
 * directly or through a link, is a 404.
 */
public final class DashboardServer implements AutoCloseable {
    private static final String CHART_JS = "/META-INF/resources/webjars/chart.js/4.5.1/dist/chart.umd.min.js";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "json", "application/json; charset=utf-8", "jsonl",
            "application/x-ndjson; charset=utf-8", "md", "text/markdown; charset=utf-8", "png", "image/png", "csv",
            "text/csv; charset=utf-8");

    private final HttpServer http;
    private final Path root;
    private final DashboardData data;

    private DashboardServer(HttpServer http, Path root, List<ExperimentSpec> specs) {
        this.http = http;
        this.root = root;
        this.data = new DashboardData(root, specs);
    }

    /** Starts serving {@code resultsRoot} on {@code host:port} (port 0: any free one). */
    public static DashboardServer start(Path resultsRoot, List<ExperimentSpec> specs, String host, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
        DashboardServer s = new DashboardServer(http, resultsRoot.toAbsolutePath().normalize(), specs);
        http.createContext("/", s::handle);
        http.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "dashboard");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return s;
    }

    public URI uri() {
        InetSocketAddress a = http.getAddress();
        return URI.create("http://" + a.getHostString() + ":" + a.getPort() + "/");
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!ex.getRequestMethod().equals("GET")) {
                send(ex, 405, "text/plain", "GET only".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/") || path.equals("/index.html")) {
                resource(ex, "/dl4jrepro/serve/index.html", "html");
            } else if (path.equals("/app.js")) {
                resource(ex, "/dl4jrepro/serve/app.js", "js");
            } else if (path.equals("/chart.js")) {
                resource(ex, CHART_JS, "js");
            } else if (path.equals("/api/overview")) {
                json(ex, Json.MAPPER.writeValueAsBytes(data.overview()));
            } else if (path.equals("/api/trials")) {
                Map<String, String> q = query(ex.getRequestURI());
                if (data.inside(q.getOrDefault("folder", "")) == null) notFound(ex);
                else json(ex, Json.MAPPER.writeValueAsBytes(data.trials(q.get("folder"), Integer.parseInt(q.getOrDefault("from", "0")))));
            } else if (path.equals("/api/pictures")) {
                json(ex, Json.MAPPER.writeValueAsBytes(data.pictures(query(ex.getRequestURI()).getOrDefault("folder", ""))));
            } else if (path.startsWith("/results/")) {
                file(ex, URLDecoder.decode(path.substring("/results/".length()), StandardCharsets.UTF_8));
            } else {
                notFound(ex);
            }
        } catch (NumberFormatException e) {
            send(ex, 400, "text/plain", "bad number".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A file under the results folder; anything else, including a link that leads out of it, is not found. */
    private void file(HttpExchange ex, String relative) throws IOException {
        Path f = root.resolve(relative).normalize();
        if (!f.startsWith(root) || !Files.isRegularFile(f) || !f.toRealPath().startsWith(root.toRealPath())) {
            notFound(ex);
            return;
        }
        String name = f.getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.') + 1);
        send(ex, 200, TYPES.getOrDefault(ext, "application/octet-stream"), Files.readAllBytes(f));
    }

    private void resource(HttpExchange ex, String name, String ext) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
            if (in == null) notFound(ex);
            else send(ex, 200, TYPES.get(ext), in.readAllBytes());
        }
    }

    private static void json(HttpExchange ex, byte[] body) throws IOException {
        send(ex, 200, TYPES.get("json"), body);
    }

    private static void notFound(HttpExchange ex) throws IOException {
        send(ex, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(code, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new java.util.HashMap<>();
        if (uri.getRawQuery() == null) return q;
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
