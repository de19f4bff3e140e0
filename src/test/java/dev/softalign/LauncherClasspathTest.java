package dev.softalign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's classpath (target/runtime-classpath.txt, written by `mvn package` through the
 * runtime-classpath execution in pom.xml) holds the runtime dependencies and no test-scope jar.
 * Runs that very execution, pointed at a temporary file.
 */
class LauncherClasspathTest {

    @Test
    void runtimeClasspathHoldsNoTestJar(@TempDir Path dir) throws Exception {
        String mvn = onPath("mvn");
        assumeTrue(mvn != null, "Maven is not on the PATH");
        Path out = dir.resolve("cp.txt");
        Process p = new ProcessBuilder(mvn, "-q", "-B", "-ntp", "dependency:build-classpath@runtime-classpath",
                "-Dsoftalign.classpathFile=" + out).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "Maven did not finish");
        assertEquals(0, p.exitValue(), log);
        List<String> jars = Arrays.asList(Files.readString(out).trim().split(File.pathSeparator));
        List<String> names = new ArrayList<>();
        for (String j : jars) {
            names.add(Path.of(j).getFileName().toString());
        }
        assertTrue(names.stream().anyMatch(n -> n.startsWith("ojalgo-")), "runtime dependencies present: " + names);
        assertTrue(names.stream().anyMatch(n -> n.startsWith("picocli-")), "runtime dependencies present: " + names);
        for (String n : names) {
            assertFalse(n.startsWith("junit-") || n.startsWith("opentest4j-") || n.startsWith("apiguardian-"),
                    "test-scope jar on the launcher's classpath: " + n);
            // Spark is provided scope: the launcher adds target/spark-classpath.txt only for --engine spark.
            assertFalse(n.startsWith("spark-") || n.startsWith("scala-library"), "Spark on the default classpath: " + n);
        }
        // Whatever JUnit's jars are called, the one this test runs from must not be listed.
        String junit = Path.of(Test.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        assertFalse(jars.contains(junit), junit + " is on the launcher's classpath");
    }

    private static String onPath(String cmd) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(d, cmd);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }
}
