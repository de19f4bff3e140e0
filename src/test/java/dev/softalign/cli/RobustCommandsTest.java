package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.softalign.data.Datasets;
import dev.softalign.data.Split;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.ModelFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** attack, corrupt and flatness on small blobs models: JSON keys, determinism, one-line errors. */
class RobustCommandsTest {

    @TempDir
    static Path dir;
    static String bp;
    static String fa;

    @BeforeAll
    static void train() {
        Split s = Datasets.load("blobs");
        for (String rule : new String[] {"bp", "fa"}) {
            TrainConfig c = TrainConfig.defaults().dataset("blobs").rule(rule).depth(1).width(16).epochs(2).lr(0.05).seed(1);
            Path file = dir.resolve(rule + ".safetensors");
            ModelFile.save(Trainer.of(c, s).run().net(), Map.of("rule", rule), file);
        }
        bp = dir.resolve("bp.safetensors").toString();
        fa = dir.resolve("fa.safetensors").toString();
    }

    static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @Test
    void attackPrintsTheContractKeysAndIsDeterministic() {
        String[] args = {"attack", "--model", bp, "--dataset", "blobs", "--attack", "pgd", "--eps", "0.1,0.02",
            "--steps", "5", "--random-start", "false", "--samples", "200", "--json"};
        CommandRun r = run(args);
        assertEquals(0, r.code(), r.err());
        JsonObject j = r.json();
        double clean = j.get("clean_accuracy").getAsDouble();
        JsonArray results = j.getAsJsonArray("results");
        assertEquals(2, results.size());
        assertEquals(0.02, results.get(0).getAsJsonObject().get("eps").getAsDouble());
        double r1 = results.get(0).getAsJsonObject().get("robust_accuracy").getAsDouble();
        double r2 = results.get(1).getAsJsonObject().get("robust_accuracy").getAsDouble();
        assertTrue(clean >= r1 && r1 >= r2, j.toString());
        assertTrue(j.getAsJsonObject("checks").get("passed").getAsBoolean(), j.toString());
        assertTrue(j.getAsJsonObject("checks").get("max_ball_violation").getAsDouble() <= 1e-9);
        assertTrue(j.has("warnings"));
        assertEquals(200, j.get("samples").getAsInt());
        JsonObject again = run(args).json();
        assertEquals(j.get("results"), again.get("results"));
        assertEquals(j.get("checks"), again.get("checks"));
    }

    @Test
    void seededRandomStartsRepeatAndFeedbackGradientWarns() {
        String[] args = {"attack", "--model", fa, "--dataset", "blobs", "--attack", "pgd-l2", "--eps", "0.5",
            "--steps", "3", "--restarts", "2", "--samples", "100", "--seed", "4", "--json"};
        JsonObject a = run(args).json();
        assertEquals(a.get("results"), run(args).json().get("results"));
        assertEquals("l2", a.get("norm").getAsString());
        String[] feedback = args.clone();
        feedback = java.util.Arrays.copyOf(feedback, feedback.length + 2);
        feedback[feedback.length - 2] = "--gradient";
        feedback[feedback.length - 1] = "feedback";
        JsonObject f = run(feedback).json();
        assertEquals("feedback", f.get("gradient").getAsString());
        assertTrue(f.getAsJsonArray("warnings").get(0).getAsString().contains("gradient masking"));
        assertEquals("true", a.get("gradient").getAsString());
        assertTrue(a.getAsJsonArray("warnings").isEmpty() || !a.getAsJsonArray("warnings").get(0).getAsString()
                .contains("gradient masking"));
    }

    @Test
    void apgdIsComparedWithPgdAndRepeats() {
        String[] args = {"attack", "--model", bp, "--dataset", "blobs", "--attack", "apgd-ce", "--eps", "0.05,0.2",
            "--steps", "10", "--restarts", "2", "--samples", "150", "--seed", "3", "--json"};
        JsonObject a = run(args).json();
        assertEquals(a.get("results"), run(args).json().get("results"), "seeded starts repeat");
        assertEquals("apgd-ce", a.get("attack").getAsString());
        for (var e : a.getAsJsonArray("results")) {
            JsonObject p = e.getAsJsonObject();
            assertTrue(p.get("robust_accuracy").getAsDouble() <= p.get("pgd_accuracy").getAsDouble(), a.toString());
        }
        assertFalse(a.getAsJsonObject("checks").get("weaker_than_pgd").getAsBoolean());
        assertTrue(a.getAsJsonObject("settings").get("target_classes").isJsonNull());
        CommandRun text = run("attack", "--model", bp, "--dataset", "blobs", "--attack", "apgd-t-l2", "--eps", "0.5",
                "--steps", "5", "--samples", "50");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().startsWith("apgd-t-l2 (l2, untargeted)") && text.out().contains("(PGD "), text.out());
        CommandRun targeted = run("attack", "--model", bp, "--dataset", "blobs", "--attack", "apgd-t", "--targeted");
        assertEquals(1, targeted.code());
        assertTrue(targeted.err().contains("untargeted"), targeted.err());
        assertEquals(1, run("attack", "--model", bp, "--dataset", "blobs", "--attack", "apgd-ce", "--alpha", "0.1").code());
    }

    @Test
    void targetedAndTransferAttacks() {
        JsonObject t = run("attack", "--model", bp, "--dataset", "blobs", "--attack", "fgsm", "--eps", "0.3",
                "--samples", "100", "--targeted", "--target-class", "2", "--json").json();
        assertTrue(t.get("targeted").getAsBoolean());
        assertEquals("2", t.get("target_class").getAsString());
        assertTrue(t.getAsJsonArray("results").get(0).getAsJsonObject().has("target_success"));
        JsonObject x = run("attack", "--model", bp, "--source", fa, "--dataset", "blobs", "--attack", "fgsm",
                "--eps", "0.1", "--samples", "100", "--json").json();
        assertEquals(fa, x.get("source").getAsString());
    }

    @Test
    void badOptionsAreOneLineErrors() {
        CommandRun r = run("attack", "--model", bp, "--dataset", "blobs", "--attack", "cw");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("attack: error: --attack must be"), r.err());
        assertFalse(r.err().contains("\n"));
        assertEquals(1, run("attack", "--model", bp, "--dataset", "blobs", "--eps", "-0.1").code());
        assertEquals(1, run("attack", "--model", bp, "--dataset", "blobs", "--gradient", "sideways").code());
        assertEquals(1, run("attack", "--model", bp, "--dataset", "fashion-mnist-small", "--samples", "10").code());
        assertEquals(1, run("flatness", "--model", bp, "--dataset", "blobs", "--measure", "curvature").code());
        assertEquals(1, run("corrupt", "--model", bp, "--dataset", "blobs", "--corruption", "fog").code());
        CommandRun missing = run("attack", "--model", dir.resolve("none.safetensors").toString(), "--dataset", "blobs");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("none.safetensors"), missing.err());
    }

    @Test
    void corruptReportsEverySeverity() {
        JsonObject c = run("corrupt", "--model", bp, "--dataset", "blobs", "--samples", "100", "--json").json();
        assertEquals(15, c.getAsJsonArray("results").size(), "blur needs images; blobs are vectors");
        assertEquals("gaussian-blur", c.getAsJsonArray("skipped").get(0).getAsString());
        JsonObject first = c.getAsJsonArray("results").get(0).getAsJsonObject();
        assertEquals("gaussian-noise", first.get("corruption").getAsString());
        assertEquals(1, first.get("severity").getAsInt());
        assertTrue(c.has("clean_accuracy") && c.has("mean_accuracy"));
    }

    @Test
    void flatnessMeasures() throws Exception {
        String[] base = {"flatness", "--model", bp, "--dataset", "blobs", "--samples", "200", "--json", "--measure"};
        JsonObject s = run(concat(base, "sharpness")).json();
        assertTrue(s.get("sharpness").getAsDouble() > 0 && s.get("max_loss").getAsDouble() > s.get("loss").getAsDouble());
        JsonObject p = run(concat(base, "pacbayes", "--iterations", "5", "--draws", "2")).json();
        assertTrue(p.getAsJsonObject("plain").get("sigma").getAsDouble() > 0);
        assertTrue(p.getAsJsonObject("magnitude").get("sigma").getAsDouble() > 0);
        JsonObject n = run(concat(base, "noise", "--sigmas", "0,0.1", "--draws", "2")).json();
        assertEquals(s.get("loss"), n.getAsJsonArray("results").get(0).getAsJsonObject().get("loss_mean"));
        Path csv = dir.resolve("line.csv");
        JsonObject l = run(concat(base, "landscape1d", "--points", "5", "--out", csv.toString())).json();
        assertEquals(s.get("loss"), l.get("loss_at_origin"));
        assertEquals(6, Files.readAllLines(csv).size());
        JsonObject l2 = run(concat(base, "landscape2d", "--points", "3")).json();
        assertEquals(s.get("loss"), l2.get("loss_at_origin"));
        assertEquals(3, l2.getAsJsonObject("grid").getAsJsonArray("loss").size());
    }

    static String[] concat(String[] a, String... b) {
        String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
