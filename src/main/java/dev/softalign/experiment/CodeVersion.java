package dev.softalign.experiment;

import dev.softalign.nn.MatMul;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which code computed a cell: a SHA-256 over the compiled classes that determine a cell's numbers
 * (every package but {@code cli} and {@code report}, whose changes move no number), read from the
 * jar or classes folder this class was loaded from, plus the matrix kernel's name (the Vector API
 * and ojalgo kernels agree to 1e-12, not bit for bit). It needs no git and no build step, so it
 * works the same from a jar on a cluster; it changes with any edit of numerical code (and, being
 * conservative, with edits of the experiments' report text, which share their classes).
 */
public final class CodeVersion {

    private static final String ROOT = "dev/softalign/";
    private static final List<String> IGNORED = List.of(ROOT + "cli/", ROOT + "report/");

    private static volatile String current;

    private CodeVersion() {
    }

    /** This JVM's code version, e.g. "3f2a9c01d4e5 vector" (computed once, in milliseconds). */
    public static String current() {
        String v = current;
        if (v == null) {
            v = of(location()) + " " + MatMul.get().name();
            current = v;
        }
        return v;
    }

    /** The hash (12 hex digits) of the numerical classes in a jar or classes folder. */
    static String of(Path location) {
        TreeMap<String, byte[]> classes = new TreeMap<>();
        try {
            if (Files.isDirectory(location)) {
                try (Stream<Path> s = Files.walk(location.resolve(ROOT))) {
                    for (Path p : s.filter(f -> f.toString().endsWith(".class")).toList()) {
                        String name = location.relativize(p).toString().replace('\\', '/');
                        if (counts(name)) {
                            classes.put(name, Files.readAllBytes(p));
                        }
                    }
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    for (JarEntry entry : java.util.Collections.list(jar.entries())) {
                        if (entry.getName().endsWith(".class") && counts(entry.getName())) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                classes.put(entry.getName(), in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the classes in " + location + " to version the cells", e);
        }
        if (classes.isEmpty()) {
            throw new IllegalStateException("no classes under " + ROOT + " in " + location + " to version the cells");
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (var c : classes.entrySet()) {
                sha.update(c.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(c.getValue());
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean counts(String name) {
        if (!name.startsWith(ROOT)) {
            return false;
        }
        for (String p : IGNORED) {
            if (name.startsWith(p)) {
                return false;
            }
        }
        return true;
    }

    private static Path location() {
        try {
            return Path.of(CodeVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot locate softalign's classes to version the cells", e);
        }
    }
}
