package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

/** Commands are found from their classes alone, the same way from a classes folder and from the launcher's jar. */
class CommandsTest {

    static Path classes() throws Exception {
        return Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void everyCommandClassIsASubcommandSortedByName() {
        List<String> names = new ArrayList<>(Main.commandLine().getSubcommands().keySet());
        assertEquals("help", names.remove(names.size() - 1), "picocli's help comes last");
        assertTrue(names.containsAll(List.of("attack", "bench", "corrupt", "evaluate", "flatness", "gradflow", "hessian",
                "jshell", "report", "reproduce", "train")), names.toString());
        assertEquals(names.stream().sorted().toList(), names, "sorted by name, whatever the listing order");
        for (Class<?> c : Commands.all()) {
            assertTrue(c.isAnnotationPresent(Command.class) && c != Main.class, c.getName());
        }
    }

    @Test
    void aJarListsTheSameClassesAsTheFolder(@TempDir Path tmp) throws Exception {
        Path folder = classes();
        Path jar = tmp.resolve("softalign.jar");
        List<Path> files;
        try (Stream<Path> s = Files.walk(folder)) {
            files = s.filter(Files::isRegularFile).sorted(java.util.Comparator.reverseOrder()).toList();
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Path f : files) { // reverse order: the scan must not depend on the entries' order
                out.putNextEntry(new JarEntry(folder.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        }
        List<String> fromFolder = Commands.classNames(folder);
        assertEquals(fromFolder, Commands.classNames(jar));
        assertTrue(fromFolder.contains(TrainCommand.class.getName()), fromFolder.toString());
        assertTrue(fromFolder.stream().noneMatch(n -> n.contains("$") || n.endsWith("package-info")), fromFolder.toString());
    }
}
