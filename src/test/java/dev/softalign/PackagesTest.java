package dev.softalign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package structure: every package under src/main/java/dev/softalign documents itself in a
 * package-info.java, and dependencies point down (cli -> bench -> experiment -> analysis/attack -> learn ->
 * nn -> data/io; report draws plain data and needs io only).
 */
class PackagesTest {

    /** A package may refer only to packages of a lower level. */
    static final Map<String, Integer> LEVEL = Map.of("data", 0, "io", 0, "nn", 1, "report", 1, "learn", 2,
            "analysis", 3, "attack", 3, "experiment", 4, "bench", 5,
            "cli", 6);

    static final Pattern REFERENCE = Pattern.compile("dev\\.softalign\\.([a-z]+)\\.[A-Z]");

    @Test
    void dependenciesPointDown() throws IOException {
        List<String> wrong = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(ROOT)) {
            files = s.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
        }
        for (Path f : files) {
            String from = ROOT.relativize(f).getName(0).toString();
            assertTrue(LEVEL.containsKey(from), "package " + from + " has no level in this test");
            // Code only: package-info may mention the layers above in prose.
            if (f.endsWith("package-info.java")) {
                continue;
            }
            Matcher m = REFERENCE.matcher(Files.readString(f));
            while (m.find()) {
                String to = m.group(1);
                if (!to.equals(from) && !(LEVEL.getOrDefault(to, 99) < LEVEL.get(from))) {
                    wrong.add(ROOT.relativize(f) + " -> " + to);
                }
            }
        }
        assertEquals(List.of(), wrong.stream().distinct().collect(Collectors.toList()));
    }

    static final Path ROOT = Path.of("src/main/java/dev/softalign");

    @Test
    void everyPackageHasAPackageInfo() throws IOException {
        List<Path> packages;
        try (Stream<Path> s = Files.walk(ROOT)) {
            packages = s.filter(Files::isDirectory).filter(PackagesTest::holdsJava).collect(Collectors.toList());
        }
        assertFalse(packages.isEmpty(), "no packages found under " + ROOT.toAbsolutePath());
        for (Path p : packages) {
            assertTrue(Files.isRegularFile(p.resolve("package-info.java")), p + " has no package-info.java");
        }
    }

    private static boolean holdsJava(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
