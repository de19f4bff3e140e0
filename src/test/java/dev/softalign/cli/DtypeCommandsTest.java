package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.softalign.io.SafeTensors;
import dev.softalign.io.Tensor;
import dev.softalign.nn.ModelFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --dtype on the commands: float32 runs and models, float64 analyses of them, clear errors. */
class DtypeCommandsTest {

    @TempDir
    Path tmp;

    private static JsonObject json(CommandRun r) {
        assertEquals(0, r.code(), r.err());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    private Path trainF32() {
        Path out = tmp.resolve("f32");
        json(CommandRun.of("train", "--dataset", "blobs", "--rule", "fa", "--align", "0.5", "--depth", "2", "--width",
                "16", "--epochs", "2", "--batch", "32", "--lr", "0.02", "--dtype", "f32", "--out", out.toString(), "--json"));
        return out;
    }

    @Test
    void aFloat32RunSavesF32AndEvaluatesToItsOwnNumbers() throws java.io.IOException {
        Path out = trainF32();
        Path model = out.resolve("model.safetensors");
        for (Tensor t : SafeTensors.read(model).tensors().values()) {
            assertEquals(SafeTensors.F32, t.dtype());
        }
        java.util.List<String> metrics = java.nio.file.Files.readAllLines(out.resolve("metrics.csv"));
        String header = metrics.get(0);
        String[] lastRow = metrics.get(metrics.size() - 1).split(",");
        JsonObject f32 = json(CommandRun.of("evaluate", "--model", model.toString(), "--dataset", "blobs", "--dtype", "f32",
                "--json"));
        JsonObject f64 = json(CommandRun.of("evaluate", "--model", model.toString(), "--dataset", "blobs", "--json"));
        assertTrue(header.startsWith("epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy"), header);
        // evaluate --dtype f32 computes what training computed; the default f64 widens the same values.
        assertEquals(f32.get("loss").getAsDouble(), Double.parseDouble(lastRow[4]), 0.0, String.join(",", lastRow));
        assertEquals(f32.get("accuracy").getAsDouble(), Double.parseDouble(lastRow[5]), 0.0);
        assertEquals(f64.get("loss").getAsDouble(), f32.get("loss").getAsDouble(), 1e-5);
        assertNotEquals(f64.get("loss").getAsDouble(), f32.get("loss").getAsDouble());

        // attack and corrupt run the float32 network: their clean accuracy is evaluate's.
        JsonObject a = json(CommandRun.of("attack", "--model", model.toString(), "--dataset", "blobs", "--attack", "fgsm",
                "--eps", "0.1", "--samples", "100", "--dtype", "f32", "--json"));
        JsonObject e100 = json(CommandRun.of("evaluate", "--model", model.toString(), "--dataset", "blobs", "--samples",
                "100", "--dtype", "f32", "--json"));
        assertEquals(e100.get("accuracy").getAsDouble(), a.get("clean_accuracy").getAsDouble(), 0.0);
        JsonObject c = json(CommandRun.of("corrupt", "--model", model.toString(), "--dataset", "blobs", "--samples", "100",
                "--dtype", "f32", "--json"));
        assertEquals(e100.get("accuracy").getAsDouble(), c.get("clean_accuracy").getAsDouble(), 0.0);
    }

    @Test
    void hessianOfAFloat32ModelIsTheFloat64HessianOfItsValues() {
        Path model = trainF32().resolve("model.safetensors");
        // The same values in an F64 file: widening is exact, so the analyses must agree bit for bit.
        Path wide = tmp.resolve("wide.safetensors");
        ModelFile.Saved s = ModelFile.load(model);
        ModelFile.save(s.net(), s.metadata(), wide, SafeTensors.F64);
        String[] args = {"hessian", "--dataset", "blobs", "--samples", "100", "--top", "2", "--json", "--model"};
        String f32 = json(CommandRun.of(concat(args, model.toString()))).get("top_eigenvalues").toString();
        String f64 = json(CommandRun.of(concat(args, wide.toString()))).get("top_eigenvalues").toString();
        assertEquals(f64, f32);
        String[] flat = {"flatness", "--dataset", "blobs", "--samples", "100", "--measure", "sharpness", "--json", "--model"};
        JsonObject s64 = json(CommandRun.of(concat(flat, wide.toString())));
        JsonObject s32 = json(CommandRun.of(concat(flat, model.toString())));
        for (String key : new String[] {"loss", "max_loss", "sharpness"}) {
            assertEquals(s64.get(key).getAsDouble(), s32.get(key).getAsDouble(), 0.0, key);
        }
    }

    private static String[] concat(String[] a, String last) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = last;
        return out;
    }

    @Test
    void aWrongDtypeIsOneLineNamingIt() {
        Path model = trainF32().resolve("model.safetensors");
        BadInputCorpusTest.refused(1, "--dtype must be f64 or f32, got 'f16'", "train", "--dataset", "blobs", "--dtype",
                "f16", "--out", tmp.resolve("x").toString());
        BadInputCorpusTest.refused(1, "--dtype must be f64 or f32, got 'double'", "evaluate", "--model", model.toString(),
                "--dataset", "blobs", "--dtype", "double");
        BadInputCorpusTest.refused(1, "--dtype must be f64 or f32, got 'bf16'", "attack", "--model", model.toString(),
                "--dataset", "blobs", "--dtype", "bf16");
        BadInputCorpusTest.refused(1, "--dtype must be f64 or f32, got ''", "corrupt", "--model", model.toString(),
                "--dataset", "blobs", "--dtype", "");
        BadInputCorpusTest.refused(1, "--dtype must be f64 or f32, got 'f8'", "reproduce", "depth", "--preset", "test",
                "--out", tmp.resolve("r").toString(), "--dtype", "f8");
        // Resuming a float32 run in float64 names the option.
        BadInputCorpusTest.refused(1, "--dtype differs: saved F32, given F64", "train", "--dataset", "blobs", "--rule", "fa",
                "--align", "0.5", "--depth", "2", "--width", "16", "--epochs", "3", "--batch", "32", "--lr", "0.02",
                "--out", model.getParent().toString(), "--resume");
        // A float64 model beyond float32's range is refused for --dtype f32, naming the tensor.
        Map<String, Tensor> t = new LinkedHashMap<>(ModelFile.tensors(ModelFile.load(model).net()));
        double[] w = t.get("layers.1.weight").data().clone();
        w[3] = 1e300;
        t.put("layers.1.weight", new Tensor(SafeTensors.F64, t.get("layers.1.weight").shape(), w));
        Path huge = tmp.resolve("huge.safetensors");
        SafeTensors.write(huge, t, Map.of("rule", "fa"), SafeTensors.F64);
        BadInputCorpusTest.refused(1, "huge.safetensors: layers.1.weight holds 1.0E300, beyond float32's range",
                "evaluate", "--model", huge.toString(), "--dataset", "blobs", "--dtype", "f32");
    }

    @Test
    void reproduceDtypeF32TrainsEveryCellInFloat32() throws java.io.IOException {
        CommandRun sweep = CommandRun.of("reproduce", "depth", "--preset", "test", "--seeds", "1", "--dtype", "f32",
                "--out", tmp.toString(), "--json");
        assertEquals(0, sweep.code(), sweep.err());
        List<Path> cells;
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(tmp.resolve("depth/cells"))) {
            cells = s.sorted().toList();
        }
        assertEquals(6, cells.size());
        for (Path cell : cells) {
            dev.softalign.experiment.CellResult r = dev.softalign.experiment.CellStore.read(
                    cell.resolve(dev.softalign.experiment.CellStore.RESULT));
            assertEquals("F32", r.config.dtype, cell.toString());
            Path model = cell.resolve("model.safetensors");
            for (Tensor t : SafeTensors.read(model).tensors().values()) {
                assertEquals(SafeTensors.F32, t.dtype());
            }
            // The stored numbers are the float32 network's: evaluate --dtype f32 reproduces them exactly.
            JsonObject ev = json(CommandRun.of("evaluate", "--model", model.toString(), "--dataset", "blobs", "--split",
                    "test", "--samples", "200", "--dtype", "f32", "--json"));
            assertEquals(r.last().testAccuracy(), ev.get("accuracy").getAsDouble(), 0.0, cell.toString());
            assertEquals(r.last().testLoss(), ev.get("loss").getAsDouble(), 0.0, cell.toString());
        }
    }
}
