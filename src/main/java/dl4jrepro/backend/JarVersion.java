package dl4jrepro.backend;

import java.nio.file.Path;

/**
 * The version of a library as the jar it was loaded from names it (DL4J's jars carry no Implementation-Version, and
 * ND4J's version check finds no git properties in M2.1): what actually ran, not what the pom asked for.
 */
public final class JarVersion {
    private JarVersion() {}

    public static String of(Class<?> fromJar, String artifact) {
        try {
            String file = Path.of(fromJar.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
            if (file.startsWith(artifact + "-") && file.endsWith(".jar")) {
                return file.substring(artifact.length() + 1, file.length() - ".jar".length());
            }
            return file;
        } catch (Exception e) {
            return "unknown";
        }
    }
}
