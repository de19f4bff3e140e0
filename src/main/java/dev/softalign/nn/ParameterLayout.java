package dev.softalign.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * Where each parameter sits in the flat vector that optimisers, Hessians and loss landscapes work
 * on: layer by layer, the weight (out x in, column-major, as in memory) then the bias. The one
 * place that knows this order; everything that flattens or unflattens parameters asks it.
 */
public final class ParameterLayout {

    private final int[] weightOffset;
    private final int[] biasOffset;
    private final int[] out;
    private final int[] in;
    private final int size;

    ParameterLayout(Mlp net) {
        int layers = net.layerCount();
        weightOffset = new int[layers];
        biasOffset = new int[layers];
        out = new int[layers];
        in = new int[layers];
        int o = 0;
        for (int i = 0; i < layers; i++) {
            out[i] = net.layer(i).out();
            in[i] = net.layer(i).in();
            weightOffset[i] = o;
            o += out[i] * in[i];
            biasOffset[i] = o;
            o += out[i];
        }
        size = o;
    }

    /** Length of the flat vector: every weight and bias. */
    public int size() {
        return size;
    }

    public int layerCount() {
        return weightOffset.length;
    }

    /** Offset of layer i's block (its weight, then its bias); the weight starts the block. */
    public int weightOffset(int i) {
        return weightOffset[i];
    }

    public int biasOffset(int i) {
        return biasOffset[i];
    }

    /** Size of layer i's block: its weights and its biases. */
    public int layerSize(int i) {
        return out[i] * in[i] + out[i];
    }

    /** Copies per-layer weights and biases (shaped like the network's) into flat. */
    public void gather(R064Store[] weights, R064Store[] biases, double[] flat) {
        check(flat);
        for (int i = 0; i < weightOffset.length; i++) {
            System.arraycopy(weights[i].data, 0, flat, weightOffset[i], out[i] * in[i]);
            System.arraycopy(biases[i].data, 0, flat, biasOffset[i], out[i]);
        }
    }

    /** flat += scale * (per-layer weights and biases). */
    public void accumulate(R064Store[] weights, R064Store[] biases, double scale, double[] flat) {
        check(flat);
        for (int i = 0; i < weightOffset.length; i++) {
            add(weights[i].data, scale, flat, weightOffset[i]);
            add(biases[i].data, scale, flat, biasOffset[i]);
        }
    }

    /** Copies flat into per-layer weights and biases. */
    public void scatter(double[] flat, R064Store[] weights, R064Store[] biases) {
        check(flat);
        for (int i = 0; i < weightOffset.length; i++) {
            System.arraycopy(flat, weightOffset[i], weights[i].data, 0, out[i] * in[i]);
            System.arraycopy(flat, biasOffset[i], biases[i].data, 0, out[i]);
        }
    }

    private static void add(double[] x, double scale, double[] flat, int offset) {
        for (int k = 0; k < x.length; k++) {
            flat[offset + k] += scale * x[k];
        }
    }

    private void check(double[] flat) {
        if (flat.length != size) {
            throw new IllegalArgumentException("expected " + size + " parameters, got " + flat.length);
        }
    }
}
