package dev.softalign.cli;

import dev.softalign.data.Dataset;
import dev.softalign.data.Datasets;
import dev.softalign.data.Split;
import dev.softalign.io.FormatException;
import dev.softalign.nn.Dtype;
import dev.softalign.nn.Evaluation;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.ModelFile;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** --model and --dataset, shared by every command that analyses a saved model. */
final class ModelOptions {

    @Option(names = "--model", required = true, description = "model.safetensors file")
    Path model;
    @Option(names = "--dataset", description = "dataset name (default: the one the model was trained on)")
    String dataset;

    private ModelFile.Saved saved;
    private Dtype dtype = Dtype.F64;

    /** The precision the model computes in, set before it is loaded (default float64). */
    ModelOptions dtype(Dtype d) {
        dtype = d;
        return this;
    }

    /** The kernel of the command's precision, for other models it loads (a transfer attack's source). */
    MatMul kernel() {
        return MatMul.get(dtype);
    }

    ModelFile.Saved saved() {
        if (saved == null) {
            saved = load(model);
        }
        return saved;
    }

    /**
     * A model file computing in the command's precision; for float32, a float64 model whose values
     * lie beyond float32's range is refused, naming the tensor, rather than computed with infinities.
     */
    ModelFile.Saved load(Path file) {
        // Read on the portable kernel, which runs nothing here: only the kernel of the command's dtype is made (and warmed up).
        ModelFile.Saved s = ModelFile.load(file, MatMul.portable());
        if (dtype == Dtype.F32) {
            ModelFile.tensors(s.net()).forEach((name, t) -> {
                for (double v : t.data()) {
                    if (Float.isInfinite((float) v)) {
                        throw new FormatException(file, name + " holds " + v + ", beyond float32's range: it cannot "
                                + "compute with --dtype f32 (use --dtype f64)");
                    }
                }
            });
        }
        s.net().kernel(kernel());
        return s;
    }

    String datasetName() {
        return dataset != null ? dataset : saved().metadata().getOrDefault("dataset", Datasets.DEFAULT);
    }

    /**
     * The first n samples (null: all) of the named split, checked against the model: inputs and
     * classes must match, the split must hold samples, and the model's loss on them must be finite
     * (weights so large that the outputs overflow give no number worth printing).
     */
    Dataset data(String split, Integer n) {
        Dataset d = select(Datasets.load(datasetName()), split, n);
        Mlp net = saved().net();
        if (d.features() != net.inputSize()) {
            throw new IllegalArgumentException("--dataset " + datasetName() + " has " + d.features()
                    + " features per sample but " + model + " expects " + net.inputSize());
        }
        if (d.classes() != net.outputSize()) {
            throw new IllegalArgumentException("--dataset " + datasetName() + " has " + d.classes() + " classes but "
                    + model + " has " + net.outputSize() + " outputs");
        }
        if (d.size() == 0) {
            throw new IllegalArgumentException("--dataset " + datasetName() + ": the " + d.name() + " split holds no samples");
        }
        requireFiniteLoss(model, net, d);
        return d;
    }

    /** Refuses, naming the file, a model whose loss on d overflows: its numbers would mean nothing. */
    static void requireFiniteLoss(Path file, Mlp net, Dataset d) {
        double loss = Evaluation.of(net, d).loss();
        if (!Double.isFinite(loss)) {
            throw new FormatException(file, "gives a loss of " + loss + " on " + d.name()
                    + ": its weights are too large for its outputs to be computed");
        }
    }

    /** The named split, optionally cut to its first n samples; bad names and counts are one-line errors. */
    static Dataset select(Split s, String split, Integer n) {
        Dataset d;
        if ("test".equals(split)) {
            d = s.test();
        } else if ("train".equals(split)) {
            d = s.train();
        } else {
            throw new IllegalArgumentException("--split must be train or test, got '" + split + "'");
        }
        if (n != null) {
            if (n < 1) {
                throw new IllegalArgumentException("--samples must be >= 1, got " + n);
            }
            d = d.first(n);
        }
        return d;
    }
}
