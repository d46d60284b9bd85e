package dl4jrepro.backend;

import java.nio.file.Path;

/**
 * The version of a library as the jar it was loaded from names it (DL4J's jars carry no Implementation-Version, and
 * ND4J's version check finds no git properties in M2.1): what actually ran, not what the pom asked for. From a jar
 * that merges many (the cluster jar), the version is the library's own Maven properties file inside it.
 */
public final class JarVersion {
    private JarVersion() {}

    public static String of(Class<?> fromJar, String artifact) {
        try {
            String file = Path.of(fromJar.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
            if (file.startsWith(artifact + "-") && file.endsWith(".jar")) {
                return file.substring(artifact.length() + 1, file.length() - ".jar".length());
            }
            String group = fromJar.getPackageName().startsWith("org.nd4j") ? "org.nd4j" : "org.deeplearning4j";
            try (var in = fromJar.getResourceAsStream("/META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
                if (in != null) {
                    java.util.Properties p = new java.util.Properties();
                    p.load(in);
                    if (p.getProperty("version") != null) return p.getProperty("version");
                }
            }
            return file;
        } catch (Exception e) {
            return "unknown";
        }
    }
}
