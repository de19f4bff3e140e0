package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.io.Faults;
import dev.softalign.io.Json;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM training a tiny network at random points, including every kind of point
 * inside the per-epoch save (temporary file made, half written, fsynced, renamed; checkpoint
 * staged, committed, installed), then continues with {@code --resume} (or a plain rerun when no
 * epoch was committed) until the run completes, and asserts the run folder ends byte for byte as
 * an uninterrupted run's, with nothing else in it.
 *
 * <p>Kill points are driven by {@link Faults#HALT_AT}: the child halts at its N-th save step as
 * {@code kill -9} would. A few real SIGKILLs at random times complete the picture. Every child
 * runs with the portable kernel and C1 only, which starts in about a second; the bits agree
 * between children because they all run the same code path.
 */
class KillTest {

    static final int KILLS = 20;
    static final int RANDOM_TIME_KILLS = 3;
    static final String[] TRAIN = {"train", "--dataset", "blobs", "--depth", "1", "--width", "8", "--epochs", "3",
        "--batch", "64", "--optimizer", "adam", "--lr", "0.01", "--schedule", "cosine", "--seed", "5"};

    @TempDir
    Path tmp;

    @Test
    void resumeAfterAnyKillEndsByteIdenticalToAnUninterruptedRun() throws Exception {
        long seed = Long.getLong("softalign.test.killSeed", System.nanoTime());
        SplittableRandom rng = new SplittableRandom(seed);
        Path reference = tmp.resolve("reference");
        assertEquals(0, child(reference, false, 0).waitFor(), "uninterrupted run");
        long savePoints = pointsPerEpoch();
        List<String> kills = new ArrayList<>();
        int chain = 0;
        while (kills.size() < KILLS) {
            Path run = tmp.resolve("chain" + chain++);
            while (true) {
                int committed = committedEpoch(run);
                long remaining = savePoints * (3 - committed) + (committed < 0 ? savePoints : 0);
                long at = 1 + rng.nextLong(Math.max(1, remaining));
                int code = child(run, committed >= 0, at).waitFor();
                if (code == 0) {
                    break;
                }
                assertEquals(Faults.HALT_STATUS, code, "seed " + seed + ": child failed before its kill point: "
                        + Files.readString(run.resolveSibling(run.getFileName() + ".err")));
                kills.add("epoch " + committed + " + point " + at);
            }
            assertSameRun(reference, run, "seed " + seed + ", kills " + kills);
        }
        System.out.println("KillTest seed " + seed + ": " + kills.size() + " kills at save steps (" + savePoints
                + " per epoch), each chain resumed byte-identical: " + kills);
        for (int k = 0; k < RANDOM_TIME_KILLS; k++) {
            Path run = tmp.resolve("sigkill" + k);
            Process p = child(run, false, 0);
            Thread.sleep(200 + rng.nextInt(1200));
            p.destroyForcibly().waitFor();
            int code;
            do {
                code = child(run, committedEpoch(run) >= 0, 0).waitFor();
            } while (code != 0 && code == 137);
            assertEquals(0, code, Files.readString(run.resolveSibling(run.getFileName() + ".err")));
            assertSameRun(reference, run, "SIGKILL after random time, run " + k);
        }
    }

    /** Save steps of one epoch, counted in this JVM on the same run (the count depends on file sizes only). */
    private long pointsPerEpoch() {
        Path one = tmp.resolve("count1");
        Path two = tmp.resolve("count2");
        String[] args1 = withOut(TRAIN, one);
        args1[8] = "1";
        String[] args2 = withOut(TRAIN, two);
        args2[8] = "2";
        long a = Faults.points();
        assertEquals(0, CommandRun.of(args1).code());
        long b = Faults.points();
        assertEquals(0, CommandRun.of(args2).code());
        long c = Faults.points();
        return (c - b) - (b - a);
    }

    /** The epoch checkpoint.json names, -1 if there is none. */
    private static int committedEpoch(Path run) throws IOException {
        Path manifest = run.resolve("checkpoint.json");
        if (!Files.exists(manifest)) {
            return -1;
        }
        return Json.read(manifest, com.google.gson.JsonObject.class).get("epoch").getAsInt();
    }

    private static void assertSameRun(Path reference, Path run, String context) throws IOException {
        assertEquals(listing(reference), listing(run), context);
        for (String f : List.of("config.json", "metrics.csv", "model.safetensors", "optimizer.safetensors",
                "checkpoint.json")) {
            assertArrayEquals(Files.readAllBytes(reference.resolve(f)), Files.readAllBytes(run.resolve(f)), context + ": " + f);
        }
    }

    private static TreeSet<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static String[] withOut(String[] args, Path out) {
        String[] a = java.util.Arrays.copyOf(args, args.length + 3);
        a[args.length] = "--out";
        a[args.length + 1] = out.toString();
        a[args.length + 2] = "--json";
        return a;
    }

    /** Starts softalign in a child JVM that halts at save step haltAt (0: never). */
    private static Process child(Path run, boolean resume, long haltAt) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-Dsoftalign.kernel=portable", "-D" + Faults.HALT_AT + "=" + haltAt,
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                "dev.softalign.cli.Main"));
        cmd.addAll(List.of(withOut(TRAIN, run)));
        if (resume) {
            cmd.add("--resume");
        }
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(run.resolveSibling(run.getFileName() + ".err").toFile()).start();
    }
}
