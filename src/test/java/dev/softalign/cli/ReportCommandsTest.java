package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandsTest {

    static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void reportOfATrainedRun(@TempDir Path tmp) throws Exception {
        Path runDir = tmp.resolve("r");
        assertEquals(0, run("train", "--dataset", "blobs", "--epochs", "1", "--width", "8", "--out", runDir.toString(), "--json").code());
        CommandRun r = run("report", runDir.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(runDir.resolve("report/index.html")));
        assertTrue(Files.size(runDir.resolve("report/loss.png")) > 1000);
        assertEquals("wrote " + runDir.resolve("report/index.html"), r.out().trim());
    }

    @Test
    void reportErrorsAreOneLine(@TempDir Path tmp) {
        CommandRun r = run("report", tmp.resolve("missing").toString());
        assertEquals(1, r.code());
        assertEquals("report: error: " + tmp.resolve("missing") + ": no such run folder", r.err().trim());
        r = run("report", tmp.toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().trim().lines().count());
        assertTrue(r.err().contains("no metrics.csv"));
        assertTrue(run("report", "--help").out().contains("index.html"));
    }

    @Test
    void reproduceErrorsAreOneLine() {
        CommandRun r = run("reproduce", "nonsense");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown figure 'nonsense' (expected all, depth (1), training (2), gradflow (3), "
                + "flatness (4), robustness (5))"), r.err());
        r = run("reproduce", "all", "--quick", "--full");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("choose one of --quick and --full"));
        r = run("reproduce", "all", "--seeds", "0", "--preset", "test");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--seeds must be >= 1"));
        assertTrue(run("reproduce", "--help").out().contains("--quick"));
    }

    @Test
    void reproduceTestPresetAsJson(@TempDir Path tmp) {
        CommandRun r = run("reproduce", "depth", "--preset", "test", "--seeds", "1", "--out", tmp.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(r.out().trim()).getAsJsonObject();
        assertEquals("test", o.get("preset").getAsString());
        var e = o.getAsJsonArray("experiments").get(0).getAsJsonObject();
        assertEquals("depth", e.get("experiment").getAsString());
        assertEquals(6, e.get("cells_run").getAsInt());
        assertEquals(2, e.getAsJsonObject("verdicts").size());
        assertTrue(Files.isRegularFile(tmp.resolve("depth/index.html")));
        assertTrue(Files.isRegularFile(tmp.resolve("index.html")));
    }
}
