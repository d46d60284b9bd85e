package dl4jrepro.run;

import dl4jrepro.backend.JarVersion;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Where the code of a run came from: git commit (and whether the tree had uncommitted changes) and versions. */
public final class Provenance {
    private Provenance() {}

    public static Map<String, Object> software() {
        Map<String, Object> s = new LinkedHashMap<>();
        String commit = git("rev-parse", "HEAD");
        s.put("git_commit", commit == null ? "unknown (not a git checkout)" : commit);
        // Changes under results/ are outputs, not code: a grid writing its results must not mark itself dirty.
        String status = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)results");
        s.put("git_dirty", status != null && !status.isBlank());
        s.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        s.put("dl4j", JarVersion.of(MultiLayerNetwork.class, "deeplearning4j-nn"));
        s.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return s;
    }

    private static String git(String... args) {
        try {
            String[] cmd = new String[args.length + 1];
            cmd[0] = "git";
            System.arraycopy(args, 0, cmd, 1, args.length);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
