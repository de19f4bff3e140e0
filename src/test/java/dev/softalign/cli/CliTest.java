package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.softalign.analysis.SharpnessTrajectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

    @TempDir
    Path tmp;

    static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    static void assertOneLineError(CommandRun r, String mustContain) {
        assertTrue(r.code() != 0, "exit code should be non-zero");
        String e = r.err().strip();
        assertEquals(1, e.lines().count(), "one line expected, got: " + e);
        assertTrue(e.contains(mustContain), "'" + mustContain + "' not in: " + e);
    }

    @Test
    void everyCommandHasHelp() {
        for (String cmd : Main.commandLine().getSubcommands().keySet()) {
            CommandRun r = run(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertTrue(r.out().contains("Usage: softalign " + cmd), cmd + ": " + r.out());
        }
    }

    @Test
    void trainWithSharpnessPrintsTheTrajectoryThatTheHessianCommandConfirms() throws IOException {
        Path out = tmp.resolve("sharp");
        CommandRun t = run("train", "--dataset", "blobs", "--rule", "fa", "--align", "0.5", "--depth", "2", "--width", "8",
                "--epochs", "2", "--batch", "32", "--lr", "0.05", "--sharpness", "60", "--out", out.toString(), "--json");
        assertEquals(0, t.code(), t.err());
        JsonObject sharpness = JsonContractTest.strict(t.out()).getAsJsonObject("sharpness");
        assertEquals(60, sharpness.get("samples").getAsInt());
        assertEquals(2 / 0.05, sharpness.get("edge_of_stability").getAsDouble(), 1e-12);
        var top = sharpness.getAsJsonArray("top_eigenvalues");
        assertEquals(3, top.size(), "epoch 0 and two epochs");
        assertTrue(sharpness.get("mean_loss_oscillation").getAsDouble() > 0);
        assertTrue(Files.readAllLines(out.resolve("metrics.csv")).get(0).contains("top_eigenvalue"));
        // The last epoch's value is the saved model's top eigenvalue on the same 60 samples, as hessian finds it.
        CommandRun h = run("hessian", "--model", out.resolve("model.safetensors").toString(), "--samples", "60", "--json");
        assertEquals(0, h.code(), h.err());
        double exact = JsonParser.parseString(h.out()).getAsJsonObject().getAsJsonArray("top_eigenvalues").get(0)
                .getAsDouble();
        // Within the trajectory's Lanczos residual bound (tol x |lambda|); the hessian command solves to 1e-6.
        assertEquals(exact, top.get(2).getAsDouble(), SharpnessTrajectory.DEFAULT_TOL * Math.abs(exact));
        assertOneLineError(run("train", "--dataset", "blobs", "--sharpness", "-1", "--out", tmp.resolve("neg").toString()),
                "--sharpness must be >= 0");
    }

    @Test
    void trainThenEvaluatePrintsJson() {
        Path out = tmp.resolve("run");
        CommandRun t = run("train", "--dataset", "blobs", "--rule", "fa", "--align", "0.5", "--depth", "2", "--width", "16",
                "--epochs", "2", "--batch", "32", "--lr", "0.02", "--out", out.toString(), "--json");
        assertEquals(0, t.code(), t.err());
        JsonObject summary = JsonParser.parseString(t.out()).getAsJsonObject();
        assertEquals(2, summary.get("epochs").getAsInt());
        CommandRun e = run("evaluate", "--model", out.resolve("model.safetensors").toString(), "--dataset", "blobs",
                "--split", "test", "--json");
        assertEquals(0, e.code(), e.err());
        JsonObject ev = JsonParser.parseString(e.out()).getAsJsonObject();
        assertEquals(summary.get("test_accuracy").getAsDouble(), ev.get("accuracy").getAsDouble(), 0);
        assertEquals(summary.get("test_loss").getAsDouble(), ev.get("loss").getAsDouble(), 0);
        assertEquals(500, ev.get("samples").getAsInt());
        assertTrue(ev.get("accuracy").getAsDouble() > 0.9);
    }

    @Test
    void badOptionValuesGiveOneLineErrorsNamingTheOption() {
        assertOneLineError(run("train", "--lr", "abc"), "--lr");
        assertOneLineError(run("train", "--lr", "-1", "--out", tmp.resolve("x").toString()), "--lr");
        assertOneLineError(run("train", "--align", "1.5", "--rule", "fa"), "--align");
        assertOneLineError(run("train", "--rule", "magic"), "unknown rule 'magic'");
        assertOneLineError(run("train", "--depth", "-2"), "--depth");
        assertOneLineError(run("train", "--activation", "swish"), "unknown activation");
        assertOneLineError(run("train", "--bogus"), "--bogus");
        assertOneLineError(run("evaluate"), "--model");
        assertOneLineError(run("train", "--dataset", "nope"), "nope");
    }

    @Test
    void corruptModelFileGivesOneLineErrorNamingIt() throws IOException {
        Path bad = tmp.resolve("broken.safetensors");
        Files.write(bad, new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        assertOneLineError(run("evaluate", "--model", bad.toString(), "--dataset", "blobs"), "broken.safetensors");
        assertOneLineError(run("evaluate", "--model", tmp.resolve("missing.safetensors").toString(), "--dataset", "blobs"),
                "missing.safetensors");
    }

    @Test
    void wrongShapeModelForDatasetIsAOneLineError() {
        Path out = tmp.resolve("small");
        assertEquals(0, run("train", "--dataset", "blobs", "--depth", "1", "--width", "4", "--epochs", "0", "--out",
                out.toString(), "--json").code());
        assertOneLineError(run("evaluate", "--model", out.resolve("model.safetensors").toString(), "--dataset",
                "teacher"), "classes");
    }

    @Test
    void unwritableOutputFolderIsAOneLineError() throws IOException {
        Path file = tmp.resolve("plain-file");
        Files.writeString(file, "keep me");
        CommandRun r = run("train", "--dataset", "blobs", "--epochs", "0", "--width", "4", "--out", file.resolve("run").toString());
        assertOneLineError(r, "plain-file");
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void float32ModelFilesHoldRoundedWeights() {
        Path a = tmp.resolve("f64");
        Path b = tmp.resolve("f32");
        assertEquals(0, run("train", "--dataset", "blobs", "--depth", "1", "--width", "8", "--epochs", "1", "--out",
                a.toString(), "--json").code());
        assertEquals(0, run("train", "--dataset", "blobs", "--depth", "1", "--width", "8", "--epochs", "1", "--out",
                b.toString(), "--save-dtype", "f32", "--json").code());
        double[] w64 = dev.softalign.nn.ModelFile.load(a.resolve("model.safetensors")).net().parameters();
        double[] w32 = dev.softalign.nn.ModelFile.load(b.resolve("model.safetensors")).net().parameters();
        for (int i = 0; i < w64.length; i++) {
            assertEquals((double) (float) w64[i], w32[i], 0);
        }
        assertOneLineError(run("train", "--save-dtype", "f16"), "--save-dtype");
    }
}
