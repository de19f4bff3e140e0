package dev.softalign.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import dev.softalign.io.Faults;
import dev.softalign.io.SafeTensors;
import dev.softalign.io.Tensor;
import dev.softalign.learn.RunFolder;
import dev.softalign.nn.Activation;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad inputs of every kind, crafted here: each is refused with the exact exit code (2: the command
 * line does not parse, including numbers that are not finite; 1: a value, file or model refused),
 * one line on stderr naming the option or file, no stack trace, nothing on stdout (no number from
 * what was refused), and no file left half-made.
 */
class BadInputCorpusTest {

    @TempDir
    Path tmp;
    Path good;

    @BeforeEach
    void model() {
        good = tmp.resolve("good.safetensors");
        save(good, tensors(), Map.of("rule", "bp"));
    }

    @AfterEach
    void diskBack() {
        Faults.diskUnlimited();
    }

    /** A 32-8-4 ReLU network for the blobs dataset (32 features, 4 classes). */
    static Map<String, Tensor> tensors() {
        Mlp net = Mlp.create(new int[] {32, 8, 4}, Activation.parse("relu"), Loss.parse("cross-entropy"),
                new SplittableRandom(1));
        return new LinkedHashMap<>(ModelFile.tensors(net));
    }

    static void save(Path file, Map<String, Tensor> t, Map<String, String> meta) {
        SafeTensors.write(file, t, meta, SafeTensors.F64);
    }

    /** The tensors of the good model with one changed. */
    Path tampered(String name, String tensor, UnaryOperator<Tensor> change) {
        Map<String, Tensor> t = tensors();
        Tensor replaced = change.apply(t.remove(tensor));
        if (replaced != null) {
            t.put(tensor, replaced);
        }
        Path file = tmp.resolve(name + ".safetensors");
        save(file, t, Map.of("rule", "bp"));
        return file;
    }

    static CommandRun refused(int code, String names, String... args) {
        CommandRun r = CommandRun.of(args);
        String context = String.join(" ", args) + " -> " + r.code() + ": " + r.err();
        assertEquals(code, r.code(), context);
        assertEquals(1, r.err().lines().count(), "one line: " + context);
        assertTrue(r.err().contains(names), "names '" + names + "': " + context);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat ") || r.err().contains("Error:"),
                "no Java exception text: " + context);
        assertEquals("", r.out(), "no output from a refused input: " + context);
        return r;
    }

    static double[] filled(int n, double v) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, v);
        return d;
    }

    // Kind 3: a model is whole or refused.

    @Test
    void incompleteOrInconsistentModelsAreRefused() {
        Map<String, Tensor> t = tensors();
        t.put("layers.2.weight", t.remove("layers.1.weight"));
        t.put("layers.2.bias", t.remove("layers.1.bias"));
        t.put("layers.2.feedback", t.remove("layers.1.feedback"));
        Path gap = tmp.resolve("gap.safetensors");
        save(gap, t, Map.of());
        refused(1, "gap.safetensors: missing tensor layers.1.weight", "evaluate", "--model", gap.toString(),
                "--dataset", "blobs");
        Path bias = tampered("bias", "layers.0.bias", b -> Tensor.matrix(4, 2, b.data()));
        refused(1, "layers.0.bias has shape [4, 2], expected [8]", "evaluate", "--model", bias.toString(), "--dataset", "blobs");
        Path extra = tampered("extra", "layers.0.extra", b -> Tensor.vector(new double[3]));
        refused(1, "unexpected tensor 'layers.0.extra'", "hessian", "--model", extra.toString(), "--dataset", "blobs");
        Path feedback = tampered("fb", "layers.1.feedback", b -> Tensor.matrix(3, 8, new double[24]));
        refused(1, "layers.1.feedback has shape [3, 8]", "gradflow", "--model", feedback.toString(), "--dataset", "blobs");
        Path half = tampered("half", "normalize.mean", b -> Tensor.vector(new double[] {0.5}));
        refused(1, "normalize.mean without normalize.std", "evaluate", "--model", half.toString(), "--dataset", "blobs");
        Path sizes = tmp.resolve("sizes.safetensors");
        save(sizes, tensors(), Map.of("sizes", "32,16,4"));
        refused(1, "metadata sizes 32,16,4 do not match the tensors' sizes 32,8,4", "evaluate", "--model",
                sizes.toString(), "--dataset", "blobs");
        Path ten = tmp.resolve("ten.safetensors");
        ModelFile.save(Mlp.create(new int[] {32, 8, 10}, Activation.parse("relu"), Loss.parse("cross-entropy"),
                new SplittableRandom(2)), Map.of(), ten);
        refused(1, "--dataset blobs has 4 classes but " + ten + " has 10 outputs", "evaluate", "--model", ten.toString(),
                "--dataset", "blobs");
        refused(1, "4 classes", "attack", "--model", ten.toString(), "--dataset", "blobs", "--samples", "10");
    }

    // Kind 4: non-finite weights give no number.

    @Test
    void nonFiniteOrOverflowingWeightsAreRefusedByEveryCommand() {
        Path nan = tampered("nan", "layers.1.weight", w -> {
            double[] d = w.data().clone();
            d[5] = Double.NaN;
            return Tensor.of(w.shape(), d);
        });
        Path inf = tampered("inf", "layers.0.bias", b -> Tensor.vector(filled(8, Double.NEGATIVE_INFINITY)));
        Map<String, Tensor> t = tensors();
        t.replaceAll((k, w) -> k.endsWith("weight") ? Tensor.of(w.shape(), filled(w.data().length, 1e300)) : w);
        Path huge = tmp.resolve("huge.safetensors");
        save(huge, t, Map.of());
        String[][] commands = {{"evaluate"}, {"attack", "--samples", "20", "--steps", "2"}, {"corrupt", "--samples", "20"},
            {"hessian", "--samples", "20"}, {"gradflow", "--samples", "20"}, {"flatness", "--measure", "sharpness", "--samples", "20"}};
        for (String[] c : commands) {
            refused(1, "nan.safetensors: tensor layers.1.weight holds NaN at index 5", args(c, nan));
            refused(1, "inf.safetensors: tensor layers.0.bias holds -Infinity at index 0", args(c, inf));
            refused(1, "huge.safetensors: gives a loss of", args(c, huge));
        }
        Path good = tmp.resolve("good.safetensors");
        save(good, tensors(), Map.of());
        refused(1, "huge.safetensors: gives a loss of", "attack", "--model", good.toString(), "--source", huge.toString(),
                "--dataset", "blobs", "--samples", "20", "--steps", "2");
    }

    static String[] args(String[] command, Path model) {
        String[] a = java.util.Arrays.copyOf(command, command.length + 4);
        a[command.length] = "--model";
        a[command.length + 1] = model.toString();
        a[command.length + 2] = "--dataset";
        a[command.length + 3] = "blobs";
        return a;
    }

    // Kind 6: Lanczos answers no more than it can.

    @Test
    void hessianRefusesMoreEigenvaluesThanParametersAndKeepsRepeatedOnes() {
        refused(1, "--top 1000 asks for more eigenvalues than the 300 parameters", "hessian", "--model", good.toString(),
                "--dataset", "blobs", "--samples", "50", "--top", "1000");
        Path wide = tmp.resolve("wide.safetensors");
        ModelFile.save(Mlp.create(new int[] {32, 3000, 4}, Activation.parse("relu"), Loss.parse("cross-entropy"),
                new SplittableRandom(3)), Map.of(), wide);
        refused(1, "--dense needs the 111004 x 111004 Hessian", "hessian", "--model", wide.toString(), "--dataset",
                "blobs", "--samples", "10", "--dense");
        Path zero = tmp.resolve("zero.safetensors");
        ModelFile.save(Mlp.zeros(new int[] {32, 8, 4}, Activation.parse("relu"), Loss.parse("cross-entropy")), Map.of(), zero);
        CommandRun r = CommandRun.of("hessian", "--model", zero.toString(), "--dataset", "blobs", "--samples", "100",
                "--top", "3", "--json");
        assertEquals(0, r.code(), r.err());
        JsonArray top = r.json().getAsJsonArray("top_eigenvalues");
        assertEquals(3, top.size(), r.out());
        for (int k = 0; k < 3; k++) {
            assertEquals(0.25, top.get(k).getAsDouble(), 1e-12, r.out());
        }
    }

    // Kind 8: values that used to slip through.

    @Test
    void optionValuesAreCheckedNamingTheOption() {
        String m = good.toString();
        refused(2, "--eps", "attack", "--model", m, "--dataset", "blobs", "--eps", "0.1,Infinity");
        refused(2, "--range", "flatness", "--model", m, "--dataset", "blobs", "--measure", "landscape1d", "--range", "-1,NaN");
        refused(2, "--weight-decay", "train", "--dataset", "blobs", "--weight-decay", "Infinity");
        refused(2, "--feedback-scale", "train", "--dataset", "blobs", "--rule", "fa", "--feedback-scale", "NaN");
        refused(2, "--sigma", "hessian", "--model", m, "--dataset", "blobs", "--density", "--sigma", "1e999");
        refused(2, "--lr", "train", "--lr", "fast");
        refused(1, "--power-residual must be >= 0, got -1.0", "hessian", "--model", m, "--dataset", "blobs",
                "--method", "power", "--power-residual", "-1");
        refused(1, "--steps must be >= 1, got 0", "attack", "--model", m, "--dataset", "blobs", "--steps", "0");
        refused(2, "--out", "train", "--dataset", "blobs", "--out", "");
        refused(2, "an empty path names no file or folder", "report", "");
        refused(1, "--restarts must be >= 1, got 0", "attack", "--model", m, "--dataset", "blobs", "--restarts", "0");
        refused(1, "--corruption gaussian-blur needs images", "corrupt", "--model", m, "--dataset", "blobs",
                "--corruption", "gaussian-blur");
        Path out = tmp.resolve("never");
        refused(1, "--width 2000000000", "train", "--dataset", "blobs", "--width", "2000000000", "--out", out.toString());
        refused(1, "--depth 2147483647", "train", "--dataset", "blobs", "--depth", "2147483647", "--out", out.toString());
        assertFalse(Files.exists(out), "a refused run leaves no folder");
    }

    @Test
    void resumeIsCheckedAgainstTheSavedRun() throws IOException {
        Path run = tmp.resolve("run");
        String[] train = {"train", "--dataset", "blobs", "--depth", "1", "--width", "8", "--batch", "100",
            "--schedule", "cosine", "--out", run.toString()};
        assertEquals(0, CommandRun.of(concat(train, "--epochs", "2")).code());
        byte[] model = Files.readAllBytes(run.resolve("model.safetensors"));
        refused(1, "--lr differs: saved 0.01, given 0.5", concat(train, "--epochs", "2", "--resume", "--lr", "0.5"));
        refused(1, "--epochs 1 is less than the 2 epochs", concat(train, "--resume", "--epochs", "1"));
        refused(1, "with --schedule cosine every epoch's learning rate depends on --epochs",
                concat(train, "--resume", "--epochs", "4"));
        refused(1, "--resume and --overwrite exclude each other", concat(train, "--resume", "--overwrite"));
        refused(1, "already holds a run", concat(train, "--epochs", "2"));
        Path missing = tmp.resolve("missing");
        refused(1, missing + ": no such run folder to resume", "train", "--dataset", "blobs", "--out", missing.toString(),
                "--resume");
        assertFalse(Files.exists(missing));
        CommandRun again = CommandRun.of(concat(train, "--epochs", "2", "--resume"));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().endsWith("nothing to train: " + run + " has completed all 2 epochs (pass a larger --epochs "
                + "to train on)"), again.out());
        assertArrayEquals(model, Files.readAllBytes(run.resolve("model.safetensors")));
        try (RunFolder held = RunFolder.open(run)) {
            refused(1, "another softalign process is writing here (pid " + ProcessHandle.current().pid(),
                    concat(train, "--epochs", "2", "--resume"));
        }
    }

    @Test
    void damagedCheckpointsAreRefusedNamingTheFile() throws IOException {
        Path run = tmp.resolve("run");
        String[] train = {"train", "--dataset", "blobs", "--depth", "1", "--width", "8", "--batch", "100",
            "--out", run.toString(), "--resume"};
        assertEquals(0, CommandRun.of(concat(java.util.Arrays.copyOf(train, train.length - 1), "--epochs", "1")).code());
        Path opt = run.resolve("optimizer.safetensors");
        SafeTensors.Contents c = SafeTensors.read(opt);
        Map<String, Tensor> state = new LinkedHashMap<>(c.tensors());
        String first = state.keySet().iterator().next();
        double[] bad = state.get(first).data().clone();
        bad[0] = Double.NaN;
        state.put(first, Tensor.vector(bad));
        SafeTensors.write(opt, state, c.metadata(), SafeTensors.F64);
        refused(1, opt + ": does not match checkpoint.json (epoch 1)", concat(train, "--epochs", "2"));
        // Without the manifest (a run from before it existed) the values themselves are checked.
        Files.delete(run.resolve("checkpoint.json"));
        refused(1, opt + ": tensor " + first + " holds NaN at index 0", concat(train, "--epochs", "2"));
        Path model = run.resolve("model.safetensors");
        SafeTensors.Contents mc = SafeTensors.read(model);
        Map<String, String> meta = new LinkedHashMap<>(mc.metadata());
        meta.put("epoch", "two");
        SafeTensors.write(model, mc.tensors(), meta, SafeTensors.F64);
        refused(1, model + ": metadata 'epoch' is \"two\", not a count", concat(train, "--epochs", "2"));
    }

    // Kind 7: a full disk leaves nothing half-made and blocks no rerun.

    @Test
    void aFullDiskDuringAReportLeavesNoReportFolder() throws IOException {
        Path run = tmp.resolve("run");
        assertEquals(0, CommandRun.of("train", "--dataset", "blobs", "--depth", "1", "--width", "8", "--epochs", "1",
                "--out", run.toString()).code());
        for (long bytes : new long[] {0, 5_000, 30_000}) {
            Faults.diskFull(bytes);
            refused(1, "No space left on device", "report", run.toString());
            Faults.diskUnlimited();
            assertFalse(Files.exists(run.resolve("report")), bytes + " bytes");
        }
        Faults.diskFull(0);
        refused(1, "No space left on device", "train", "--dataset", "blobs", "--depth", "1", "--width", "8", "--epochs", "1", "--out",
                tmp.resolve("full").toString());
        Faults.diskUnlimited();
        assertFalse(Files.exists(tmp.resolve("full")));
        assertEquals(0, CommandRun.of("report", run.toString()).code());
        assertTrue(Files.exists(run.resolve("report/index.html")));
    }

    @Test
    void infiniteMetricsAreGapsInTheReportNotAChartError() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("inf"));
        Files.writeString(run.resolve("metrics.csv"), "epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy,angle_0\n"
                + "0,0.1,1.4,0.3,1.4,0.3,90.0\n1,0.1,Infinity,0.2,Infinity,0.25,89.0\n2,0.1,-Infinity,0.2,NaN,0.25,88.0\n");
        CommandRun r = CommandRun.of("report", run.toString());
        assertEquals(0, r.code(), r.err());
        String html = Files.readString(run.resolve("report/index.html"));
        assertTrue(html.contains("train_loss is infinite at epoch 1 (Infinity), 2 (-Infinity): those points are left out "
                + "of the charts."), html);
        refused(1, "not a number: 'lots'", "report", write(run, "0,0.1,lots,0.3,1.4,0.3,90.0\n"));
    }

    private static String write(Path run, String row) throws IOException {
        Path bad = Files.createDirectories(run.resolveSibling("bad"));
        Files.writeString(bad.resolve("metrics.csv"), "epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy,angle_0\n"
                + row);
        return bad.toString();
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
