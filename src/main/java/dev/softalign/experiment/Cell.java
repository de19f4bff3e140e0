package dev.softalign.experiment;

import dev.softalign.io.Json;
import dev.softalign.learn.TrainConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One independent unit of a sweep: a training config (which fixes its seed, so its result does
 * not depend on which thread runs it or when) and tags: labels for grouping in the report, plus
 * any analysis parameters. The id names the result file; it ends in a hash of everything that
 * determines the result, so a changed preset never reuses a stale result.
 */
public record Cell(String id, TrainConfig config, Map<String, String> tags) {

    public Cell {
        // Sorted, not Map.copyOf: its iteration order changes from JVM to JVM, and result files must not.
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    public static Cell of(TrainConfig config, Map<String, String> tags) {
        TrainConfig c = config.copy().validate();
        String readable = c.rule + (c.align == null ? "" : "-a" + c.align) + "-d" + c.depth + "-s" + c.seed;
        return new Cell(readable + "-" + hash(Json.COMPACT.toJson(c) + Json.COMPACT.toJson(new TreeMap<>(tags))), c, tags);
    }

    /** The series this cell belongs to, e.g. "FA a=0.5" (tag "group"). */
    public String group() {
        return tags.getOrDefault("group", config.rule);
    }

    public static Map<String, String> tags(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                out.append(String.format("%02x", d[i]));
            }
            return out.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
