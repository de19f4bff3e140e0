package dev.softalign.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What a speed figure was measured on: the CPU model, the cores and the JVM. */
public record Machine(String cpu, int cores, String java) {

    public static Machine current() {
        return new Machine(cpuModel(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    }

    /**
     * The one-minute load average (runnable threads, from /proc/loadavg), or null where there is
     * none: a figure measured on a shared machine means little without it.
     */
    public static Double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The first "model name" of a cpuinfo file, else the JVM's os.arch (other systems, other layouts). */
    static String cpuModel(Path cpuinfo) {
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("model name")) {
                    String model = line.substring(colon + 1).strip();
                    if (!model.isEmpty()) {
                        return model + flags(lines);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc here: fall back below
        }
        return System.getProperty("os.arch");
    }

    /** The widest vector extension the CPU reports, since a model name such as "AMD EPYC" does not say. */
    private static String flags(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("flags")) {
                List<String> f = List.of(line.substring(line.indexOf(':') + 1).strip().split("\\s+"));
                return f.contains("avx512f") ? " (AVX-512)" : f.contains("avx2") ? " (AVX2)" : "";
            }
        }
        return "";
    }
}
