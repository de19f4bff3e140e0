package dev.softalign.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/** Runs each examples/*.jsh in JShell with the startup script, and checks the values it prints. */
class ExamplesTest {

    /** surefire's class path (expanding a manifest-only booter jar) plus target/classes. */
    static String classPath() throws Exception {
        Set<String> entries = new LinkedHashSet<>();
        entries.add(Path.of("target/classes").toAbsolutePath().toString());
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (e.isBlank()) {
                continue;
            }
            entries.add(e);
            if (e.endsWith(".jar") && Files.isRegularFile(Path.of(e))) {
                try (JarFile jar = new JarFile(e)) {
                    Manifest m = jar.getManifest();
                    String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
                    if (cp != null) {
                        for (String u : cp.trim().split("\\s+")) {
                            entries.add(Path.of(Path.of(e).toUri().resolve(u)).toString());
                        }
                    }
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    static String jshell(String script) throws Exception {
        Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
        List<String> cmd = new ArrayList<>(List.of(jshell.toString(), "--class-path", classPath(),
                "-R--add-modules=jdk.incubator.vector", "-R-Djava.awt.headless=true", "--startup", "DEFAULT",
                "--startup", "src/main/jshell/startup.jsh", script));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), script + " finished");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), script + " output:\n" + text);
        // A snippet of the startup file that fails prints "Error:" at the start of a line, one of the
        // script prints "|  Error": either means a helper users rely on is missing.
        assertTrue(!text.contains("|  Error") && !text.matches("(?s)(.*\\n)?Error:.*") && !text.contains("Exception"),
                script + " output:\n" + text);
        return text;
    }

    static double number(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).trim().split(" ")[0])
                .mapToDouble(Double::parseDouble).findFirst().orElseThrow(() -> new AssertionError("no line " + prefix + " in\n" + text));
    }

    @Test
    void trainAndEvaluate() throws Exception {
        String out = jshell("examples/train-and-evaluate.jsh");
        double acc = number(out, "test accuracy");
        assertTrue(acc > 0.7 && acc <= 1, "blobs are easy: " + acc);
        assertTrue(out.contains("evaluation agrees with training: true"), out);
        assertTrue(out.contains("epochs recorded: 4"), out);
    }

    @Test
    void softAlignmentAngles() throws Exception {
        String out = jshell("examples/soft-alignment-angles.jsh");
        assertTrue(out.contains("a=1.0 angles 0.00 0.00 0.00 0.00"), out);
        assertTrue(out.contains("a=0.5 angles 60.00 60.00 60.00 60.00"), out);
        assertTrue(out.contains("a=0.0 angles 90.00 90.00 90.00 90.00"), out);
        assertTrue(out.contains("random feedback, mean angle within 10 degrees of 90: true"), out);
    }

    @Test
    void makeAChart() throws Exception {
        String out = jshell("examples/make-a-chart.jsh");
        assertTrue(out.contains("FA mean at depth 8: 35.0 sd 7.0711"), out);
        assertTrue(out.contains("png 760x440"), out);
        assertTrue(out.contains("csv rows 8"), out);
        assertTrue(out.contains("report exists: true"), out);
    }

    @Test
    void hessianSpectrum() throws Exception {
        String out = jshell("examples/hessian-spectrum.jsh");
        assertTrue(out.contains("parameters 596"), out);
        assertTrue(out.contains("top agrees to 1e-8: true"), out);
        assertTrue(number(out, "lanczos top") > 0, out);
    }
}
