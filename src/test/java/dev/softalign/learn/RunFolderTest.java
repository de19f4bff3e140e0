package dev.softalign.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.io.Faults;
import dev.softalign.io.IoFailure;
import dev.softalign.io.LockHolder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run folder's lock and what a failed save (a full disk) leaves behind. */
class RunFolderTest {

    @TempDir
    Path tmp;

    static final Split DATA = Synthetic.blobs(300, 6, 3, 0.2, 4);
    static final List<String> FILES = List.of("config.json", "metrics.csv", "model.safetensors", "optimizer.safetensors",
            "checkpoint.json");

    static TrainConfig config() {
        return TrainConfig.defaults().dataset("blobs").depth(1).width(6).epochs(2).batch(50).optimizer("adam").lr(0.01);
    }

    @AfterEach
    void diskBack() {
        Faults.diskUnlimited();
    }

    @Test
    void aSecondWriterInThisProcessIsRefusedNamingTheHolder() {
        Path dir = tmp.resolve("r");
        try (RunFolder held = RunFolder.open(dir)) {
            IoFailure e = assertThrows(IoFailure.class, () -> Trainer.of(config(), DATA).out(dir).run());
            assertTrue(e.getMessage().contains("another softalign process is writing here (pid "
                    + ProcessHandle.current().pid() + " on host "), e.getMessage());
        }
        Trainer.of(config(), DATA).out(dir).run();
    }

    @Test
    void anotherProcessHoldingTheLockIsNamedAndItsDeathFreesTheFolder() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("r"));
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), LockHolder.class.getName(), dir.toString()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("locked", out.readLine());
            IoFailure e = assertThrows(IoFailure.class, () -> Trainer.of(config(), DATA).out(dir).run());
            assertTrue(e.getMessage().contains("(pid " + holder.pid() + " on host "), e.getMessage());
            assertFalse(Files.exists(dir.resolve("checkpoint.json")));
        } finally {
            holder.destroyForcibly().waitFor();
        }
        // kill -9 cannot remove a lock file; the system released the lock itself.
        Trainer.of(config(), DATA).out(dir).run();
        assertTrue(Files.exists(dir.resolve("checkpoint.json")));
    }

    @Test
    void aFullDiskAtTheFirstSaveLeavesNothingAndBlocksNoRerun() throws IOException {
        Path probe = tmp.resolve("probe");
        Trainer.of(config().epochs(0), DATA).out(probe).run();
        long firstSave = 0;
        for (String f : FILES) {
            firstSave += Files.size(probe.resolve(f));
        }
        Path dir = tmp.resolve("first");
        for (long k = 0; k <= 10; k++) {
            long bytes = k * (firstSave - 1) / 10;
            Faults.diskFull(bytes);
            IoFailure e = assertThrows(IoFailure.class, () -> Trainer.of(config(), DATA).out(dir).run());
            assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains(dir.toString()),
                    e.getMessage());
            assertFalse(Files.exists(dir), bytes + " bytes: " + (Files.exists(dir) ? listing(dir) : ""));
            Faults.diskUnlimited();
        }
        Trainer.of(config(), DATA).out(dir).run();
        assertEquals(new TreeSet<>(List.of(".lock", "checkpoint.json", "config.json", "metrics.csv", "model.safetensors",
                "optimizer.safetensors", "timing.csv")), listing(dir));
    }

    @Test
    void aFullDiskInALaterSaveKeepsTheLastEpochAndResumesExactly() throws IOException {
        Path full = tmp.resolve("full");
        Trainer.of(config(), DATA).out(full).run();
        for (long bytes : new long[] {0, 700, 1500, 2500, 3500}) {
            Path dir = tmp.resolve("part" + bytes);
            TrainingListener fillDisk = new TrainingListener() {
                @Override
                public void epoch(EpochMetrics m) {
                    Faults.diskFull(bytes);
                }
            };
            IoFailure e = assertThrows(IoFailure.class, () -> Trainer.of(config(), DATA).out(dir).listener(fillDisk).run());
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            Faults.diskUnlimited();
            assertEquals(new TreeSet<>(List.of(".lock", "checkpoint.json", "config.json", "metrics.csv",
                    "model.safetensors", "optimizer.safetensors", "timing.csv")), listing(dir), bytes + " bytes");
            assertTrue(Files.readString(dir.resolve("checkpoint.json")).contains("\"epoch\": 1"));
            Trainer.of(config(), DATA).out(dir).resume(true).run();
            for (String f : FILES) {
                assertArrayEquals(Files.readAllBytes(full.resolve(f)), Files.readAllBytes(dir.resolve(f)), bytes + ": " + f);
            }
        }
    }

    static TreeSet<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
