package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train reports start-up apart from the epochs: the parts add up, one figure per epoch trained by this run. */
class TrainTimingTest {

    @TempDir
    Path dir;

    @Test
    void startupPartsAddUpAndEachEpochOfThisRunHasItsTime() {
        Path out = dir.resolve("run");
        CommandRun r = CommandRun.of("train", "--dataset", "blobs", "--depth", "1", "--width", "8", "--epochs", "2",
                "--out", out.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonContractTest.strict(r.out());
        double jvm = o.get("jvm_seconds").getAsDouble();
        double data = o.get("data_seconds").getAsDouble();
        double setup = o.get("setup_seconds").getAsDouble();
        assertTrue(jvm >= 0 && data >= 0 && setup >= 0, o.toString());
        assertEquals(jvm + data + setup, o.get("startup_seconds").getAsDouble(), 1e-9);
        JsonArray epochs = o.getAsJsonArray("epoch_seconds");
        assertEquals(2, epochs.size());
        assertTrue(epochs.get(0).getAsDouble() > 0 && epochs.get(1).getAsDouble() > 0);

        // Resumed to 3 epochs: this run trained one.
        CommandRun more = CommandRun.of("train", "--dataset", "blobs", "--depth", "1", "--width", "8", "--epochs", "3",
                "--out", out.toString(), "--resume");
        assertEquals(0, more.code(), more.err());
        String last = more.out().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.matches("time: start-up [\\d.]+ s \\(JVM [\\d.]+ s, dataset [\\d.]+ s, model and epoch-0 "
                + "evaluation [\\d.]+ s\\), 1 epoch [\\d.]+ s"), last);
    }

    @Test
    void laterEpochsAreTheSteadyState() {
        TrainCommand.Timing t = TrainCommand.Timing.of(0.5, 1.0, 0.25, new double[] {3.0, 1.0, 2.0});
        assertEquals(1.75, t.startupSeconds());
        assertEquals("time: start-up 1.8 s (JVM 0.5 s, dataset 1.0 s, model and epoch-0 evaluation 0.3 s), first epoch "
                + "3.0 s, later epochs 1.5 s each", t.toString());
    }
}
