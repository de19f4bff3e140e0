package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.softalign.experiment.CellResult;
import dev.softalign.experiment.CellStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every cell of a sweep is a run folder whose model the analysis commands open: the network behind the report's numbers. */
class CellFoldersTest {

    @Test
    void everyCellsModelOpensWithEvaluateHessianAttackAndReport(@TempDir Path tmp) throws Exception {
        CommandRun sweep = CommandRun.of("reproduce", "depth", "--preset", "test", "--seeds", "1", "--out", tmp.toString(),
                "--json");
        assertEquals(0, sweep.code(), sweep.err());
        JsonObject e = sweep.json().getAsJsonArray("experiments").get(0).getAsJsonObject();
        assertEquals(6, e.get("cells_run").getAsInt());
        assertEquals(0, e.get("cells_reused").getAsInt());
        assertTrue(e.get("seconds").getAsDouble() > 0);
        List<Path> cells;
        try (Stream<Path> s = Files.list(tmp.resolve("depth/cells"))) {
            cells = s.sorted().toList();
        }
        assertEquals(6, cells.size());
        for (Path cell : cells) {
            CellResult<?> r = CellStore.read(cell.resolve(CellStore.RESULT));
            String model = cell.resolve("model.safetensors").toString();
            // The test preset evaluates on the first 200 test samples of blobs: the file reproduces the stored numbers exactly.
            JsonObject ev = CommandRun.of("evaluate", "--model", model, "--dataset", "blobs", "--split", "test",
                    "--samples", "200", "--json").json();
            assertEquals(r.last().testAccuracy(), ev.get("accuracy").getAsDouble(), 0.0, cell.toString());
            assertEquals(r.last().testLoss(), ev.get("loss").getAsDouble(), 0.0, cell.toString());
            assertTrue(Files.readString(cell.resolve("metrics.csv")).startsWith("epoch,"));
            assertEquals(r.config, dev.softalign.io.Json.read(cell.resolve("config.json"), dev.softalign.learn.TrainConfig.class));
        }
        Path cell = cells.get(cells.size() - 1);
        String model = cell.resolve("model.safetensors").toString();
        CommandRun h = CommandRun.of("hessian", "--model", model, "--dataset", "blobs", "--samples", "100", "--top", "1", "--json");
        assertEquals(0, h.code(), h.err());
        double top = h.json().getAsJsonArray("top_eigenvalues").get(0).getAsDouble();
        assertTrue(top > 0 && Double.isFinite(top), "top eigenvalue " + top);
        CommandRun a = CommandRun.of("attack", "--model", model, "--dataset", "blobs", "--samples", "100",
                "--attack", "fgsm", "--eps", "0.1", "--json");
        assertEquals(0, a.code(), a.err());
        JsonObject clean = CommandRun.of("evaluate", "--model", model, "--dataset", "blobs", "--split", "test", "--samples",
                "100", "--json").json();
        assertEquals(clean.get("accuracy").getAsDouble(), a.json().get("clean_accuracy").getAsDouble(), 0.0);
        CommandRun rep = CommandRun.of("report", cell.toString());
        assertEquals(0, rep.code(), rep.err());
        assertTrue(Files.isRegularFile(cell.resolve("report/index.html")));

        CommandRun again = CommandRun.of("reproduce", "depth", "--preset", "test", "--seeds", "1", "--out", tmp.toString(),
                "--json");
        JsonObject e2 = again.json().getAsJsonArray("experiments").get(0).getAsJsonObject();
        assertEquals(0, e2.get("cells_run").getAsInt(), "a report folder inside a cell does not disturb the sweep");
        assertEquals(6, e2.get("cells_reused").getAsInt());
    }

    @Test
    void engineOptionErrorsAreOneLine(@TempDir Path tmp) {
        CommandRun r = CommandRun.of("reproduce", "depth", "--preset", "test", "--engine", "slurm", "--out", tmp.toString());
        assertEquals(1, r.code());
        assertEquals("reproduce: error: --engine must be local or spark, got 'slurm'", r.err());
        r = CommandRun.of("reproduce", "depth", "--preset", "test", "--master", "local[2]", "--out", tmp.toString());
        assertEquals(1, r.code());
        assertEquals("reproduce: error: --master needs --engine spark", r.err());
        assertTrue(CommandRun.of("reproduce", "--help").out().contains("--rerun-stale"));
    }
}
