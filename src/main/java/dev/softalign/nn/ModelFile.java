package dev.softalign.nn;

import dev.softalign.io.FormatException;
import dev.softalign.io.SafeTensors;
import dev.softalign.io.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ojalgo.matrix.store.R064Store;

/**
 * A network as a safetensors file: {@code layers.{i}.weight} (out x in), {@code layers.{i}.bias},
 * {@code layers.{i}.feedback} (B_l), optional {@code normalize.mean}/{@code normalize.std}, and
 * {@code __metadata__} with the activations, loss and whatever the caller adds (rule, alignment).
 * Row-major on disk, as PyTorch expects; column-major in memory.
 */
public final class ModelFile {

    /** A loaded model with its metadata (rule, align, epoch, ...). */
    public record Saved(Mlp net, Map<String, String> metadata) {

        public String rule() {
            return metadata.getOrDefault("rule", "bp");
        }

        @Override
        public String toString() {
            return net + " " + metadata;
        }
    }

    private ModelFile() {
    }

    public static void save(Mlp net, Map<String, String> metadata, Path file) {
        save(net, metadata, file, SafeTensors.F64);
    }

    public static void save(Mlp net, Map<String, String> metadata, Path file, String dtype) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "softalign-mlp");
        meta.put("sizes", join(net.sizes()));
        StringBuilder acts = new StringBuilder();
        for (int i = 0; i < net.layerCount(); i++) {
            acts.append(i == 0 ? "" : ",").append(i == net.layerCount() - 1 ? "identity" : net.activation().id());
        }
        meta.put("activations", acts.toString());
        meta.put("activation", net.activation().id());
        meta.put("loss", net.loss().id());
        meta.putAll(metadata);
        SafeTensors.write(file, tensors(net), meta, dtype);
    }

    /** The network's tensors by their names in a model file, row-major, float64. */
    public static Map<String, Tensor> tensors(Mlp net) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (int i = 0; i < net.layerCount(); i++) {
            Layer l = net.layer(i);
            t.put("layers." + i + ".weight", matrix(l.weight));
            t.put("layers." + i + ".bias", Tensor.vector(l.bias.data.clone()));
            t.put("layers." + i + ".feedback", matrix(l.feedback));
        }
        if (net.inputMean() != null) {
            t.put("normalize.mean", Tensor.vector(net.inputMean()));
            t.put("normalize.std", Tensor.vector(net.inputStd()));
        }
        return t;
    }

    /**
     * Loads a model, whole or not at all: every layer from 0 up present with weight and bias, no
     * layers.* or normalize.* tensor the format does not name, shapes chained from layer to layer, the metadata's sizes
     * and activations honoured, and every value finite.
     *
     * The network's products run on the command's kernel ({@link MatMul#get}).
     *
     * @throws FormatException naming the file and the first thing wrong with it
     */
    public static Saved load(Path file) {
        return load(file, MatMul.get());
    }

    /** As {@link #load(Path)}, the network's products on the given kernel (its owner's thread budget). */
    public static Saved load(Path file, MatMul kernel) {
        SafeTensors.Contents c = SafeTensors.read(file);
        return of(file, c.tensors(), c.metadata(), kernel);
    }

    private static final Pattern LAYER_TENSOR = Pattern.compile("layers\\.(0|[1-9][0-9]{0,8})\\.(weight|bias|feedback)");

    /** A model from tensors read from {@code file} (named in errors), checked as {@link #load} describes. */
    public static Saved of(Path file, Map<String, Tensor> tensors, Map<String, String> meta) {
        return of(file, tensors, meta, MatMul.get());
    }

    /** As {@link #of(Path, Map, Map)}, the network's products on the given kernel. */
    public static Saved of(Path file, Map<String, Tensor> tensors, Map<String, String> meta, MatMul kernel) {
        Activation act;
        Loss loss;
        try {
            act = Activation.parse(meta.getOrDefault("activation", "relu"));
            loss = Loss.parse(meta.getOrDefault("loss", "cross-entropy"));
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, e.getMessage());
        }
        int layers = 0;
        for (String name : tensors.keySet()) {
            Matcher m = LAYER_TENSOR.matcher(name);
            if (m.matches()) {
                layers = Math.max(layers, Integer.parseInt(m.group(1)) + 1);
            } else if (name.startsWith("layers.") || name.startsWith("normalize.") && !name.equals("normalize.mean")
                    && !name.equals("normalize.std")) {
                // Other tensors (a fixture's data, say) are not the model's; these would be, misnamed.
                throw new FormatException(file, "unexpected tensor '" + name + "' (a softalign model holds layers.{i}.weight, "
                        + "layers.{i}.bias, layers.{i}.feedback, normalize.mean, normalize.std)");
            }
        }
        if (layers == 0) {
            throw new FormatException(file, "no tensor layers.0.weight: not a softalign model");
        }
        int[] sizes = new int[layers + 1];
        for (int i = 0; i < layers; i++) {
            Tensor w = require(tensors, file, "layers." + i + ".weight");
            long[] s = w.shape();
            if (s.length != 2 || s[0] < 1 || s[1] < 1) {
                throw new FormatException(file, "layers." + i + ".weight has shape " + Arrays.toString(s)
                        + ", expected [out, in] with both >= 1");
            }
            if (i > 0 && s[1] != sizes[i]) {
                throw new FormatException(file, "layers." + i + ".weight is " + s[0] + "x" + s[1] + " but layer "
                        + (i - 1) + " outputs " + sizes[i]);
            }
            sizes[i] = (int) s[1];
            sizes[i + 1] = (int) s[0];
            Tensor b = require(tensors, file, "layers." + i + ".bias");
            if (b.shape().length != 1 || b.shape()[0] != s[0]) {
                throw new FormatException(file, "layers." + i + ".bias has shape " + Arrays.toString(b.shape())
                        + ", expected [" + s[0] + "]");
            }
        }
        String declared = meta.get("sizes");
        if (declared != null && !declared.replace(" ", "").equals(join(sizes))) {
            throw new FormatException(file, "metadata sizes " + declared + " do not match the tensors' sizes " + join(sizes));
        }
        String activations = meta.get("activations");
        if (activations != null && activations.split(",", -1).length != layers) {
            throw new FormatException(file, "metadata activations '" + activations + "' name "
                    + activations.split(",", -1).length + " layers, the tensors hold " + layers);
        }
        tensors.forEach((name, t) -> {
            if (name.startsWith("layers.") || name.startsWith("normalize.")) {
                requireFinite(file, name, t);
            }
        });
        Mlp net = Mlp.zeros(sizes, act, loss, kernel);
        int classes = sizes[layers];
        for (int i = 0; i < layers; i++) {
            Layer l = net.layer(i);
            fill(l.weight, tensors.get("layers." + i + ".weight"));
            System.arraycopy(tensors.get("layers." + i + ".bias").data(), 0, l.bias.data, 0, l.out());
            Tensor fb = tensors.get("layers." + i + ".feedback");
            if (fb != null) {
                long[] s = fb.shape();
                if (s.length != 2 || s[1] != l.in() || (s[0] != l.out() && s[0] != classes)) {
                    throw new FormatException(file, "layers." + i + ".feedback has shape " + Arrays.toString(s)
                            + ", expected [" + l.out() + ", " + l.in() + "] (or [" + classes + ", " + l.in() + "] for direct feedback)");
                }
                l.feedback = R064Store.FACTORY.make((int) s[0], l.in());
                fill(l.feedback, fb);
            }
        }
        Tensor mean = tensors.get("normalize.mean");
        Tensor std = tensors.get("normalize.std");
        if ((mean == null) != (std == null)) {
            throw new FormatException(file, "has " + (mean == null ? "normalize.std without normalize.mean"
                    : "normalize.mean without normalize.std"));
        }
        if (mean != null) {
            for (Tensor t : List.of(mean, std)) {
                if (t.data().length != 1 && t.data().length != sizes[0]) {
                    throw new FormatException(file, "normalize tensors must hold 1 or " + sizes[0] + " values, got shape "
                            + Arrays.toString(t.shape()));
                }
            }
            try {
                net.normalize(mean.data(), std.data());
            } catch (IllegalArgumentException e) {
                throw new FormatException(file, "normalize.std: " + e.getMessage());
            }
        }
        return new Saved(net, meta);
    }

    /** Refuses a tensor holding NaN or an infinity: no number computed from it would mean anything. */
    public static void requireFinite(Path file, String name, Tensor t) {
        double[] d = t.data();
        for (int k = 0; k < d.length; k++) {
            if (!Double.isFinite(d[k])) {
                throw new FormatException(file, "tensor " + name + " holds " + d[k] + " at index " + k
                        + "; refusing a model with non-finite values");
            }
        }
    }

    private static Tensor require(Map<String, Tensor> tensors, Path file, String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new FormatException(file, "missing tensor " + name + " (layers must be numbered from 0 without gaps)");
        }
        return t;
    }

    private static Tensor matrix(R064Store m) {
        int rows = m.getRowDim();
        int cols = m.getColDim();
        double[] rowMajor = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                rowMajor[i * cols + j] = m.data[i + j * rows];
            }
        }
        return Tensor.matrix(rows, cols, rowMajor);
    }

    private static void fill(R064Store m, Tensor t) {
        int rows = m.getRowDim();
        int cols = m.getColDim();
        double[] d = t.data();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.data[i + j * rows] = d[i * cols + j];
            }
        }
    }

    private static String join(int[] v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ",").append(v[i]);
        }
        return s.toString();
    }
}
