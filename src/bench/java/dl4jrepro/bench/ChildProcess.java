package dl4jrepro.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A benchmark's measurement in a process of its own, so that what it loads (a BLAS and its kernels, which are chosen once
 * per process) and the memory it holds are its own: one JSON object on its last such stdout line, and its peak resident
 * memory from {@code /usr/bin/time}.
 */
final class ChildProcess {
    /** What the child printed, its standard error, and its peak resident memory (start-up included). */
    record Result(JsonNode json, String stderr, double peakRssMb) {}

    private ChildProcess() {}

    /** A child's side of {@link #run}: its result as one JSON object on one line of stdout. */
    static void reply(Object result) throws IOException {
        System.out.println(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
    }

    /** A JVM like this one (the same java, options and class path) running {@code main} with {@code args}. */
    static List<String> java(Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return command;
    }

    /**
     * Runs {@code command} with {@code env} added to this process's environment and the variables named {@code unset}
     * taken out; a non-zero exit or a missing result is a one-line error naming {@code what}.
     */
    static Result run(String what, List<String> command, Map<String, String> env, List<String> unset)
            throws IOException, InterruptedException {
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "maxrss_kb=%M"));
        timed.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(timed);
        builder.environment().putAll(env);
        unset.forEach(builder.environment()::remove);
        Path err = Files.createTempFile("bench-child", ".err");
        try {
            Process p = builder.redirectError(err.toFile()).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            String stderr = Files.readString(err);
            if (code != 0) {
                throw new UserError(what + " failed (exit " + code + "): "
                        + (stdout + stderr).lines().filter(l -> !l.startsWith("maxrss_kb=")).reduce((a, b) -> b).orElse(""));
            }
            String line = stdout.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow(() -> new UserError(what + " printed no result: " + stdout));
            double rssKb = stderr.lines().filter(l -> l.startsWith("maxrss_kb=")).reduce((a, b) -> b)
                    .map(l -> Double.parseDouble(l.substring("maxrss_kb=".length()).trim())).orElse(Double.NaN);
            return new Result(Json.MAPPER.readTree(line), stderr, rssKb / 1e3);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
