package dev.softalign.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * Buffers for one forward and backward pass over a batch of n samples, allocated once per batch
 * size and reused. Column j of every matrix is sample j. Not shared between threads.
 */
public final class Pass {

    public final int n;
    /** h[0] is the (normalised) input; h[i+1] is the output of layer i; h[L] is the logits. */
    final R064Store[] h;
    /** Pre-activations; a[L-1] is the same store as h[L]. */
    final R064Store[] a;
    /** dL/da for each layer, after a backward pass. */
    final R064Store[] delta;
    /** dL/dx in pixel space, after a backward pass that asked for it. */
    final R064Store inputGradient;
    final int[] labels;
    /** The loss's terms per sample (see {@link Loss#terms}), summed once the parts are done. */
    final double[] lossTerms;
    double loss = Double.NaN;

    Pass(Mlp net, int n) {
        this.n = n;
        int layers = net.layerCount();
        h = new R064Store[layers + 1];
        a = new R064Store[layers];
        delta = new R064Store[layers];
        h[0] = R064Store.FACTORY.make(net.inputSize(), n);
        for (int i = 0; i < layers; i++) {
            a[i] = R064Store.FACTORY.make(net.layer(i).out(), n);
            h[i + 1] = i == layers - 1 ? a[i] : R064Store.FACTORY.make(net.layer(i).out(), n);
            delta[i] = R064Store.FACTORY.make(net.layer(i).out(), n);
        }
        inputGradient = R064Store.FACTORY.make(net.inputSize(), n);
        labels = new int[n];
        lossTerms = new double[n * net.outputSize()];
    }

    /** Logits, classes x n. */
    public R064Store logits() {
        return h[h.length - 1];
    }

    /** Activations entering layer i (h[0] is the normalised input). */
    public R064Store activation(int i) {
        return h[i];
    }

    public R064Store preActivation(int i) {
        return a[i];
    }

    public R064Store delta(int i) {
        return delta[i];
    }

    /** dL/dx in pixel space, column j for sample j. */
    public R064Store inputGradient() {
        return inputGradient;
    }

    public int[] labels() {
        return labels;
    }

    /** Mean loss of the last forward pass. */
    public double loss() {
        return loss;
    }

    /** Number of samples whose largest logit is the label. */
    public int correct() {
        R064Store z = logits();
        int classes = z.getRowDim();
        int count = 0;
        for (int j = 0; j < n; j++) {
            if (argmax(z.data, j * classes, classes) == labels[j]) {
                count++;
            }
        }
        return count;
    }

    /** Predicted class of sample j. */
    public int predicted(int j) {
        R064Store z = logits();
        return argmax(z.data, j * z.getRowDim(), z.getRowDim());
    }

    static int argmax(double[] v, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (v[offset + k] > v[offset + best]) {
                best = k;
            }
        }
        return best;
    }
}
