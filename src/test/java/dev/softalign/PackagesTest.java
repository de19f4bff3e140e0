package dev.softalign;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every package under src/main/java/dev/softalign documents itself in a package-info.java. */
class PackagesTest {

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
