package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hessian and gradflow commands: JSON contract, agreement with the dense oracle, one-line errors. */
class SpectraCommandsTest {

    @TempDir
    static Path dir;
    static String bp;
    static String fa;

    static CommandRun run(String... args) {
        return CommandRun.of(args);
    }

    @BeforeAll
    static void train() {
        for (String rule : new String[] {"bp", "fa"}) {
            CommandRun r = run("train", "--dataset", "blobs", "--rule", rule, "--depth", "1", "--width", "8", "--epochs", "1",
                    "--activation", "tanh", "--log-every", "1", "--out", dir.resolve(rule).toString(), "--json");
            assertEquals(0, r.code(), r.err());
        }
        bp = dir.resolve("bp/model.safetensors").toString();
        fa = dir.resolve("fa/model.safetensors").toString();
    }

    static java.util.List<String> readLines(Path p) {
        try {
            return java.nio.file.Files.readAllLines(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static double[] doubles(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }

    @Test
    void hessianJsonMatchesTheDenseEigendecomposition() {
        CommandRun r = run("hessian", "--model", fa, "--samples", "200", "--top", "2", "--bottom", "1", "--tol", "1e-10",
                "--trace", "--trace-max", "300", "--density", "--dense", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        double[] all = doubles(o.getAsJsonArray("eigenvalues"));
        double[] top = doubles(o.getAsJsonArray("top_eigenvalues"));
        double[] bottom = doubles(o.getAsJsonArray("bottom_eigenvalues"));
        assertEquals(300, all.length);
        assertEquals(all[0], top[0], 1e-8 * Math.abs(all[0]));
        assertEquals(all[1], top[1], 1e-8 * Math.abs(all[1]));
        assertEquals(all[299], bottom[0], 1e-8 * Math.abs(all[299]));
        assertEquals(3, o.getAsJsonArray("residuals").size());
        assertTrue(o.get("hvps").getAsLong() > 300);
        assertTrue(o.get("seconds").getAsDouble() > 0);
        double exactTrace = 0;
        for (double v : all) {
            exactTrace += v;
        }
        JsonObject t = o.getAsJsonObject("trace");
        assertTrue(Math.abs(t.get("mean").getAsDouble() - exactTrace) <= 3 * t.get("stderr").getAsDouble());
        JsonObject d = o.getAsJsonObject("density");
        assertEquals(d.getAsJsonArray("grid").size(), d.getAsJsonArray("values").size());
        assertEquals(1, d.get("integral").getAsDouble(), 1e-6);
    }

    @Test
    void powerMethodAndLayerBlock() {
        CommandRun r = run("hessian", "--model", bp, "--samples", "100", "--method", "power", "--layer", "1", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        assertEquals(8 * 4 + 4, o.get("parameters").getAsInt());
        assertEquals("power", o.get("method").getAsString());
        assertEquals(1, o.getAsJsonArray("top_eigenvalues").size());
        assertTrue(o.get("top_eigenvalues").getAsJsonArray().get(0).getAsDouble() > 0);
        CommandRun text = run("hessian", "--model", bp, "--samples", "50", "--trace", "--density", "--density-steps", "10");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("trace: ") && text.out().contains("density: ")
                && text.out().contains("top_eigenvalues: ["), text.out());
    }

    @Test
    void perLayerBlocksMatchTheirDenseEigenvalues() {
        CommandRun r = run("hessian", "--model", fa, "--samples", "100", "--top", "1", "--tol", "1e-10", "--per-layer", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        JsonArray layers = o.getAsJsonArray("layers");
        assertEquals(2, layers.size());
        for (int i = 0; i < 2; i++) {
            JsonObject l = layers.get(i).getAsJsonObject();
            CommandRun d = run("hessian", "--model", fa, "--samples", "100", "--layer", Integer.toString(i), "--top", "0",
                    "--dense", "--json");
            double want = JsonParser.parseString(d.out()).getAsJsonObject().getAsJsonArray("eigenvalues").get(0)
                    .getAsDouble();
            assertEquals(want, l.getAsJsonArray("top_eigenvalues").get(0).getAsDouble(), 1e-8 * Math.abs(want));
            assertEquals(i, l.get("layer").getAsInt());
        }
        CommandRun text = run("hessian", "--model", fa, "--samples", "50", "--per-layer", "--trace", "--trace-max", "5");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("layer block: layer=1"), text.out());
    }

    @Test
    void gradflowJson() {
        CommandRun r = run("gradflow", "--model", bp, "--samples", "100", "--json");
        assertEquals(0, r.code(), r.err());
        JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
        for (double c : doubles(o.getAsJsonArray("grad_cosine"))) {
            assertEquals(1, c, 1e-12);
        }
        for (String k : new String[] {"grad_norm_true", "grad_norm_rule", "delta_norm_true", "delta_norm_rule",
            "jacobian_sv_max_true", "jacobian_sv_min_rule", "jacobian_condition_true", "jacobian_sv_std_rule",
            "jacobian_singular_values_true", "angles_degrees"}) {
            assertEquals(2, o.getAsJsonArray(k).size(), k);
        }
        CommandRun f = run("gradflow", "--model", fa, "--samples", "100", "--json");
        JsonObject fo = JsonParser.parseString(f.out()).getAsJsonObject();
        assertEquals("feedback", fo.get("path").getAsString());
        assertTrue(doubles(fo.getAsJsonArray("grad_cosine"))[0] < 1);
        assertEquals(0, run("gradflow", "--model", fa, "--samples", "50").code());
        // train --log-every 1 put the same measures into metrics.csv.
        java.util.List<String> csv = readLines(dir.resolve("fa/metrics.csv"));
        assertTrue(csv.get(0).contains(",grad_cos_0,") && csv.get(0).contains(",jac_cond_rule_1"), csv.get(0));
        assertEquals(3, csv.size());
        assertEquals(1.0, Double.parseDouble(csv.get(2).split(",")[java.util.Arrays.asList(csv.get(0).split(","))
                .indexOf("grad_cos_1")]), 1e-12);
    }

    /** A trace stopped by its cap before its target says so, in the result and on stderr; one that met it does not warn. */
    @Test
    void traceSaysWhetherItMetItsTarget() {
        CommandRun capped = run("hessian", "--model", fa, "--samples", "100", "--top", "0", "--trace", "--trace-sketch", "0",
                "--trace-max", "3", "--trace-target", "1e-6", "--json");
        assertEquals(0, capped.code(), capped.err());
        JsonObject t = capped.json().getAsJsonObject("trace");
        assertEquals(false, t.get("converged").getAsBoolean());
        assertEquals(1e-6, t.get("target").getAsDouble());
        assertEquals("hutchinson", t.get("method").getAsString());
        assertTrue(capped.err().startsWith("warning: the trace stopped at its cap of 3 probes"), capped.err());
        // 300 parameters, a sketch of 300 columns: the trace is exact and met at once.
        CommandRun exact = run("hessian", "--model", fa, "--samples", "100", "--top", "0", "--trace", "--trace-sketch", "300",
                "--dense", "--json");
        assertEquals(0, exact.code(), exact.err());
        assertEquals("", exact.err());
        JsonObject e = exact.json();
        double sum = 0;
        for (double v : doubles(e.getAsJsonArray("eigenvalues"))) {
            sum += v;
        }
        assertTrue(e.getAsJsonObject("trace").get("converged").getAsBoolean());
        assertEquals(sum, e.getAsJsonObject("trace").get("mean").getAsDouble(), 1e-9 * Math.abs(sum));
    }

    @Test
    void badOptionsAreOneLineErrors() {
        String[][] cases = {
            {"hessian", "--model", bp, "--method", "newton"},
            {"hessian", "--model", bp, "--layer", "7"},
            {"hessian", "--model", bp, "--layer", "0", "--per-layer"},
            {"hessian", "--model", bp, "--method", "power", "--bottom", "1"},
            {"hessian", "--model", dir.resolve("missing.safetensors").toString()},
            {"gradflow", "--model", bp, "--rule", "nope"},
        };
        for (String[] c : cases) {
            CommandRun r = run(c);
            assertEquals(1, r.code(), String.join(" ", c) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }
}
