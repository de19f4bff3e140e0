package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.experiment.Preset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
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
        assertTrue(r.err().contains("choose one of --quick, --full and --preset"));
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

    @Test
    void reproduceFullChecksEveryDatasetBeforeAnyCellRuns(@TempDir Path tmp) throws Exception {
        // Fashion-MNIST is found (only its presence is checked up front), MNIST is not.
        Files.createDirectories(tmp.resolve("datasets/fashion-mnist"));
        Files.write(tmp.resolve("datasets/fashion-mnist/train-images-idx3-ubyte"), new byte[0]);
        String oldHome = System.getProperty("softalign.home");
        String oldSystem = System.getProperty(dev.softalign.data.Datasets.SYSTEM_PROPERTY);
        try {
            System.setProperty("softalign.home", tmp.toString());
            System.setProperty(dev.softalign.data.Datasets.SYSTEM_PROPERTY, tmp.resolve("system").toString());
            for (String[] args : List.of(new String[] {"--full"}, new String[] {"--preset", "full-uncut"})) {
                Path out = tmp.resolve("out");
                CommandRun r = run(Stream.concat(Stream.of("reproduce", "all", "--out", out.toString()), Stream.of(args))
                        .toArray(String[]::new));
                assertEquals(1, r.code());
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().contains("mnist not found in " + tmp.resolve("datasets/mnist")), r.err());
                assertTrue(r.err().endsWith("run datasets/fetch mnist"), r.err());
                assertFalse(Files.exists(out), "no cell ran");
            }
        } finally {
            restore("softalign.home", oldHome);
            restore(dev.softalign.data.Datasets.SYSTEM_PROPERTY, oldSystem);
        }
        assertEquals(Path.of("reports", "full"), ReproduceCommand.defaultOut(Preset.FULL));
        assertEquals(Path.of("reports", "full-uncut"), ReproduceCommand.defaultOut(Preset.FULL_UNCUT));
        assertEquals(Path.of("reports"), ReproduceCommand.defaultOut(Preset.QUICK));
        assertEquals(Path.of("reports"), ReproduceCommand.defaultOut(Preset.TEST));
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
