package dev.softalign.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * The subcommands of {@code softalign}: every top-level class of this package annotated with
 * picocli's {@link Command}, other than {@link Main}, found in the jar or classes folder Main was
 * loaded from. A new command is its class and nothing else: no list to extend. They are listed
 * (in --help too) sorted by command name, an order that depends neither on the file system nor on
 * the jar's entry order.
 */
final class Commands {

    private static final String PACKAGE = Commands.class.getPackageName().replace('.', '/') + "/";

    private Commands() {
    }

    /** The command classes, sorted by command name. */
    static List<Class<?>> all() {
        List<Class<?>> out = new ArrayList<>();
        for (String name : classNames(location())) {
            Class<?> c;
            try {
                c = Class.forName(name, false, Commands.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("softalign's class " + name + " is listed but cannot be loaded", e);
            }
            if (c != Main.class && c.isAnnotationPresent(Command.class)) {
                out.add(c);
            }
        }
        out.sort(Comparator.comparing(c -> c.getAnnotation(Command.class).name()));
        return out;
    }

    /** Binary names of the top-level classes of this package in a classes folder or jar. */
    static List<String> classNames(Path location) {
        List<String> entries = new ArrayList<>();
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> s = Files.list(location.resolve(PACKAGE))) {
                    s.forEach(p -> entries.add(PACKAGE + p.getFileName()));
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (JarEntry e : java.util.Collections.list(jar.entries())) {
                        entries.add(e.getName());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list softalign's commands in " + location, e);
        }
        List<String> out = new ArrayList<>();
        for (String e : entries) {
            String rest = e.startsWith(PACKAGE) ? e.substring(PACKAGE.length()) : "";
            if (rest.endsWith(".class") && !rest.contains("/") && !rest.contains("$") && !rest.startsWith("package-info")) {
                out.add((PACKAGE + rest.substring(0, rest.length() - ".class".length())).replace('/', '.'));
            }
        }
        out.sort(null);
        return out;
    }

    private static Path location() {
        try {
            return Path.of(Commands.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate softalign's classes to list its commands", e);
        }
    }
}
