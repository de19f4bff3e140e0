package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.Strictness;
import com.google.gson.internal.Streams;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --json contract scripts depend on: every key documented in the README's "Commands" table
 * and in each command's --help is present, and every document parses with a strict parser (no
 * bare NaN or Infinity: a value that does not exist is null).
 */
class JsonContractTest {

    @TempDir
    static Path dir;
    static String bp;
    static String fa;
    static String dfa;
    static JsonObject trainJson;

    @BeforeAll
    static void trainModels() {
        for (String rule : new String[] {"bp", "fa", "dfa"}) {
            CommandRun r = CommandRun.of("train", "--dataset", "blobs", "--rule", rule, "--depth", "2", "--width", "8",
                    "--epochs", "1", "--activation", "tanh", "--out", dir.resolve(rule).toString(), "--json");
            assertEquals(0, r.code(), r.err());
            if (rule.equals("dfa")) {
                trainJson = strict(r.out());
            }
        }
        bp = dir.resolve("bp/model.safetensors").toString();
        fa = dir.resolve("fa/model.safetensors").toString();
        dfa = dir.resolve("dfa/model.safetensors").toString();
    }

    /** Parses one JSON document with Gson's strict mode (which rejects NaN, Infinity and trailing text). */
    static JsonObject strict(String text) {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            JsonElement e = Streams.parse(reader);
            assertEquals(JsonToken.END_DOCUMENT, reader.peek(), "one document");
            return e.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            fail("not strict JSON (" + e.getMessage() + "): " + text.substring(0, Math.min(400, text.length())));
            return null;
        }
    }

    /** The command's strict JSON object, after checking it succeeded. */
    static JsonObject json(String... args) {
        CommandRun r = CommandRun.of(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
        return strict(r.out());
    }

    /**
     * Asserts each key path is present: "a.b" descends into objects, "a[].b" into every element of
     * an array (which must not be empty).
     */
    static void assertKeys(JsonObject o, String... paths) {
        List<String> missing = new ArrayList<>();
        for (String p : paths) {
            if (!has(o, p)) {
                missing.add(p);
            }
        }
        assertTrue(missing.isEmpty(), "missing keys " + missing + " in " + o);
    }

    private static boolean has(JsonElement e, String path) {
        int dot = path.indexOf('.');
        String head = dot < 0 ? path : path.substring(0, dot);
        String rest = dot < 0 ? null : path.substring(dot + 1);
        boolean each = head.endsWith("[]");
        String key = each ? head.substring(0, head.length() - 2) : head;
        if (!e.isJsonObject() || !e.getAsJsonObject().has(key)) {
            return false;
        }
        JsonElement v = e.getAsJsonObject().get(key);
        if (each) {
            if (!v.isJsonArray() || v.getAsJsonArray().isEmpty()) {
                return false;
            }
            for (JsonElement item : v.getAsJsonArray()) {
                if (rest != null && !has(item, rest)) {
                    return false;
                }
            }
            return true;
        }
        return rest == null || has(v, rest);
    }

    @Test
    void trainSummary() {
        assertKeys(trainJson, "out", "epochs", "train_loss", "train_accuracy", "test_loss", "test_accuracy", "angles_degrees");
    }

    @Test
    void evaluate() {
        assertKeys(json("evaluate", "--model", bp, "--json"), "accuracy", "loss", "samples");
    }

    @Test
    void hessian() {
        JsonObject o = json("hessian", "--model", fa, "--samples", "100", "--top", "2", "--bottom", "1", "--trace",
                "--density", "--density-steps", "10", "--dense", "--json");
        assertKeys(o, "top_eigenvalues", "bottom_eigenvalues", "residuals", "hvps", "seconds", "trace.mean", "trace.stderr",
                "trace.samples", "trace.converged", "trace.target", "trace.method", "trace.products", "density.grid", "density.values", "density.sigma", "density.integral", "eigenvalues",
                "parameters", "samples", "loss", "method", "converged", "steps", "eigen_hvps", "eigen_seconds", "hvp_ms");
        JsonObject power = json("hessian", "--model", bp, "--samples", "50", "--method", "power", "--layer", "0", "--json");
        assertKeys(power, "layer", "parameters", "method", "top_eigenvalues", "residuals", "iterations", "hvps");
        JsonObject layers = json("hessian", "--model", bp, "--samples", "50", "--per-layer", "--trace", "--json");
        assertKeys(layers, "layers[].layer", "layers[].parameters", "layers[].top_eigenvalues", "layers[].trace.mean",
                "layers[].trace.stderr", "trace.mean");
    }

    @Test
    void gradflow() {
        // Direct feedback gives a first layer without a defined angle or condition: null, not NaN.
        for (String model : new String[] {bp, dfa}) {
            JsonObject o = json("gradflow", "--model", model, "--samples", "50", "--json");
            List<String> keys = new ArrayList<>(List.of("grad_norm_true", "grad_norm_rule", "grad_cosine", "delta_norm_true",
                    "delta_norm_rule", "angles_degrees", "rule", "path", "samples", "jacobian_samples", "loss"));
            for (String which : new String[] {"true", "rule"}) {
                for (String k : new String[] {"jacobian_sv_max_", "jacobian_sv_min_", "jacobian_sv_std_",
                    "jacobian_condition_", "jacobian_singular_values_"}) {
                    keys.add(k + which);
                }
            }
            assertKeys(o, keys.toArray(new String[0]));
            assertEquals(3, o.getAsJsonArray("angles_degrees").size());
        }
    }

    @Test
    void attack() {
        JsonObject o = json("attack", "--model", bp, "--dataset", "blobs", "--attack", "pgd", "--eps", "0.05,0.1",
                "--steps", "3", "--samples", "100", "--json");
        assertKeys(o, "attack", "norm", "model", "gradient", "targeted", "samples", "clean_accuracy", "results[].eps",
                "results[].robust_accuracy", "results[].one_step_accuracy", "results[].max_distance",
                "checks.max_ball_violation", "checks.max_box_violation", "checks.non_increasing",
                "checks.weaker_than_one_step", "checks.passed", "warnings", "settings.steps", "settings.restarts",
                "settings.random_start", "settings.seed", "seconds");
        JsonObject t = json("attack", "--model", bp, "--source", fa, "--dataset", "blobs", "--attack", "fgsm", "--eps",
                "0.1", "--samples", "100", "--target-class", "1", "--json");
        assertKeys(t, "source", "targeted", "target_class", "target_excluded", "results[].target_success",
                "results[].target_loss");
        JsonObject pgd = json("attack", "--model", bp, "--dataset", "blobs", "--attack", "pgd", "--eps", "0.1", "--steps",
                "3", "--samples", "100", "--target-class", "1", "--json");
        assertKeys(pgd, "results[].one_step_target_success", "results[].one_step_target_loss");
        JsonObject apgd = json("attack", "--model", bp, "--dataset", "blobs", "--attack", "apgd-t", "--eps", "0.1",
                "--steps", "3", "--samples", "50", "--json");
        assertKeys(apgd, "results[].pgd_accuracy", "checks.weaker_than_pgd", "settings.target_classes");
        assertEquals("apgd-t", apgd.get("attack").getAsString());
        assertEquals(3, apgd.getAsJsonObject("settings").get("target_classes").getAsInt(), "capped at classes - 1");
    }

    @Test
    void corrupt() {
        assertKeys(json("corrupt", "--model", bp, "--dataset", "blobs", "--samples", "50", "--json"), "model", "samples",
                "clean_accuracy", "clean_loss", "results[].corruption", "results[].severity", "results[].parameter",
                "results[].accuracy", "results[].loss", "mean_accuracy", "skipped", "seed");
    }

    @Test
    void flatness() {
        String[] base = {"flatness", "--model", bp, "--dataset", "blobs", "--samples", "50", "--json", "--measure"};
        String[] common = {"measure", "model", "split", "samples", "seconds"};
        assertKeys(json(RobustCommandsTest.concat(base, "sharpness", "--steps", "2")), common);
        assertKeys(json(RobustCommandsTest.concat(base, "sharpness", "--steps", "2")), "eps", "steps", "loss", "max_loss",
                "sharpness");
        assertKeys(json(RobustCommandsTest.concat(base, "pacbayes", "--iterations", "2", "--draws", "1")), "max_drop",
                "draws", "clean_accuracy", "plain.sigma", "plain.sigma_above", "plain.accuracy", "magnitude.sigma",
                "magnitude.sigma_above", "magnitude.accuracy");
        Path csv = dir.resolve("noise.csv");
        assertKeys(json(RobustCommandsTest.concat(base, "noise", "--sigmas", "0,0.1", "--draws", "1", "--out",
                csv.toString())), "noise", "draws", "results[].sigma", "results[].loss_mean", "results[].loss_sd",
                "results[].accuracy_mean", "results[].accuracy_sd", "out");
        assertKeys(json(RobustCommandsTest.concat(base, "landscape1d", "--points", "3")), "points", "range",
                "loss_at_origin", "min_loss", "max_loss", "grid.alpha", "grid.loss", "grid.accuracy");
        assertKeys(json(RobustCommandsTest.concat(base, "landscape2d", "--points", "2", "--out",
                dir.resolve("plane.csv").toString())), "points", "range", "loss_at_origin", "min_loss", "max_loss",
                "grid.alpha", "grid.beta", "grid.loss", "grid.accuracy", "out");
    }

    @Test
    void report() {
        assertKeys(json("report", dir.resolve("bp").toString(), "--json"), "report");
    }

    @Test
    void reproduce(@TempDir Path out) {
        assertKeys(json("reproduce", "depth", "--preset", "test", "--seeds", "1", "--out", out.toString(), "--json"),
                "preset", "engine", "seconds", "experiments[].experiment", "experiments[].dataset", "experiments[].report", "experiments[].cells_run",
                "experiments[].cells_reused", "experiments[].diverged", "experiments[].seconds", "experiments[].verdicts");
    }

    @Test
    void strictParserRejectsBareNaN() {
        assertFalse(parses("{\"a\": NaN}"));
        assertFalse(parses("{\"a\": [1, Infinity]}"));
        assertTrue(parses("{\"a\": null}"));
    }

    private static boolean parses(String text) {
        try {
            JsonReader reader = new JsonReader(new StringReader(text));
            reader.setStrictness(Strictness.STRICT);
            Streams.parse(reader);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
