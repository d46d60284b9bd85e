package dl4jrepro.bench;

import dl4jrepro.base.AtomicFiles;
import dl4jrepro.base.Json;
import dl4jrepro.base.UserError;
import dl4jrepro.run.Provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where benchmarks put their figures: {@code results/benchmarks/<name>.json} (with the software's provenance) and {@code .md}. */
final class BenchmarkFiles {
    static final Path DIR = Path.of("results", "benchmarks");

    private BenchmarkFiles() {}

    /** A benchmark's figures start with its name, what it measures and on which backend. */
    static Map<String, Object> figures(String name, String what, String backend) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", name);
        out.put("what", what);
        out.put("backend", backend);
        return out;
    }

    /** A benchmark's body, run by {@link #main}. */
    interface Body {
        void run(String[] args) throws Exception;
    }

    /** Runs a benchmark main: bad input ends it with a one-line error and exit code 2, not a stack trace. */
    static void main(String[] args, Body body) throws Exception {
        try {
            body.run(args);
        } catch (UserError e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    /** {@code --name value} pairs; anything else is refused with {@code usage}, the options there are. */
    static Map<String, String> options(String[] args, String usage) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new UserError("unexpected argument '" + args[i] + "': use " + usage);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    /** {@code --key N}, a whole number of at least 1, or {@code absent} when not given; anything else is a one-line error. */
    static Integer positiveInt(Map<String, String> options, String key, Integer absent) {
        String value = options.get(key);
        if (value == null) return absent;
        try {
            int n = Integer.parseInt(value);
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // refused below, as a value below 1 is
        }
        throw new UserError("--" + key + " " + value + ": give a whole number of at least 1");
    }

    /** A run of some models only must not replace the full figures: {@code name-a-b} (underscores as dashes), else {@code name}. */
    static String withModels(String name, List<String> only) {
        return only == null ? name : name + "-" + String.join("-", only).replace('_', '-');
    }

    /** The models {@code --models a,b} picks from {@code known}, or null for all of them; an unknown name is refused. */
    static List<String> selectedModels(Map<String, String> options, List<String> known) {
        if (!options.containsKey("models")) return null;
        List<String> only = List.of(options.get("models").split(","));
        for (String m : only) {
            if (!known.contains(m)) throw new UserError("unknown model '" + m + "' in --models: use some of " + known);
        }
        return only;
    }

    static void write(String name, Map<String, Object> figures, String markdown) throws IOException {
        figures.put("software", Provenance.software());
        Path dir = Files.createDirectories(DIR);
        AtomicFiles.write(dir.resolve(name + ".json"), Json.MAPPER.writeValueAsString(figures));
        AtomicFiles.write(dir.resolve(name + ".md"), markdown);
        System.out.print(markdown);
    }
}
