package dl4jrepro.bench;

import dl4jrepro.results.AtomicFiles;
import dl4jrepro.results.ResultsStore;
import dl4jrepro.run.Provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where benchmarks put their figures: {@code results/benchmarks/<name>.json} (with the software's provenance) and {@code .md}. */
final class BenchmarkFiles {
    private BenchmarkFiles() {}

    /** A benchmark's figures start with its name, what it measures and on which backend. */
    static Map<String, Object> figures(String name, String what, String backend) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", name);
        out.put("what", what);
        out.put("backend", backend);
        return out;
    }

    static void write(String name, Map<String, Object> figures, String markdown) throws IOException {
        figures.put("software", Provenance.software());
        Path dir = Files.createDirectories(Path.of("results", "benchmarks"));
        AtomicFiles.write(dir.resolve(name + ".json"), ResultsStore.JSON.writeValueAsString(figures));
        AtomicFiles.write(dir.resolve(name + ".md"), markdown);
        System.out.print(markdown);
    }
}
