package dev.softalign.nn;

import dev.softalign.io.FormatException;
import dev.softalign.io.SafeTensors;
import dev.softalign.io.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
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
        SafeTensors.write(file, t, meta, dtype);
    }

    /** Loads a network whose products run on the command's kernel ({@link MatMul#get}). */
    public static Saved load(Path file) {
        return load(file, MatMul.get());
    }

    /** Loads a network whose products run on the given kernel. */
    public static Saved load(Path file, MatMul kernel) {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> meta = c.metadata();
        Activation act;
        Loss loss;
        try {
            act = Activation.parse(meta.getOrDefault("activation", "relu"));
            loss = Loss.parse(meta.getOrDefault("loss", "cross-entropy"));
        } catch (IllegalArgumentException e) {
            throw new FormatException(file, e.getMessage());
        }
        int layers = 0;
        while (c.tensors().containsKey("layers." + layers + ".weight")) {
            layers++;
        }
        if (layers == 0) {
            throw new FormatException(file, "no tensor layers.0.weight: not a softalign model");
        }
        int[] sizes = new int[layers + 1];
        for (int i = 0; i < layers; i++) {
            long[] s = c.tensor("layers." + i + ".weight").shape();
            if (s.length != 2) {
                throw new FormatException(file, "layers." + i + ".weight has " + s.length + " dimensions, expected 2");
            }
            if (i > 0 && s[1] != sizes[i]) {
                throw new FormatException(file, "layers." + i + ".weight is " + s[0] + "x" + s[1] + " but layer "
                        + (i - 1) + " outputs " + sizes[i]);
            }
            sizes[i] = (int) s[1];
            sizes[i + 1] = (int) s[0];
        }
        Mlp net = Mlp.zeros(sizes, act, loss, kernel);
        for (int i = 0; i < layers; i++) {
            Layer l = net.layer(i);
            fill(l.weight, c.tensor("layers." + i + ".weight"));
            Tensor b = require(c, file, "layers." + i + ".bias");
            if (b.data().length != l.out()) {
                throw new FormatException(file, "layers." + i + ".bias has " + b.data().length + " values, expected " + l.out());
            }
            System.arraycopy(b.data(), 0, l.bias.data, 0, l.out());
            Tensor fb = c.tensors().get("layers." + i + ".feedback");
            if (fb != null) {
                if (fb.shape().length != 2 || fb.shape()[1] != l.in()) {
                    throw new FormatException(file, "layers." + i + ".feedback must have " + l.in() + " columns");
                }
                l.feedback = R064Store.FACTORY.make((int) fb.shape()[0], l.in());
                fill(l.feedback, fb);
            }
        }
        Tensor mean = c.tensors().get("normalize.mean");
        Tensor std = c.tensors().get("normalize.std");
        if (mean != null && std != null) {
            try {
                net.normalize(mean.data(), std.data());
            } catch (IllegalArgumentException e) {
                throw new FormatException(file, e.getMessage());
            }
        }
        return new Saved(net, meta);
    }

    private static Tensor require(SafeTensors.Contents c, Path file, String name) {
        Tensor t = c.tensors().get(name);
        if (t == null) {
            throw new FormatException(file, "missing tensor " + name);
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
