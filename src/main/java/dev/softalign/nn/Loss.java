package dev.softalign.nn;

import java.util.Locale;

/**
 * Output losses on the logits z (classes x batch, column-major), averaged over the batch.
 * Cross-entropy applies softmax; mean squared error compares z with the one-hot target and
 * averages over all elements, as PyTorch's MSELoss does.
 */
public enum Loss {
    CROSS_ENTROPY("cross-entropy") {
        @Override
        public void terms(double[] z, int classes, int[] labels, int n, double[] grad, double[] terms, int from, int to) {
            for (int j = from; j < to; j++) {
                int o = j * classes;
                double logSum = logSumExp(z, o, classes);
                terms[j] = logSum - z[o + labels[j]];
                if (grad != null) {
                    for (int k = 0; k < classes; k++) {
                        grad[o + k] = Math.exp(z[o + k] - logSum) / n;
                    }
                    grad[o + labels[j]] -= 1.0 / n;
                }
            }
        }

        @Override
        public double mean(double[] terms, int n, int classes) {
            double total = 0;
            for (int j = 0; j < n; j++) {
                total += terms[j];
            }
            return total / n;
        }

        @Override
        public void hessianTimes(double[] z, int classes, int n, double[] rz, double[] out, int from, int to) {
            // d2L/dz2 per sample is (diag(p) - p p^T)/n.
            for (int j = from; j < to; j++) {
                int o = j * classes;
                double logSum = logSumExp(z, o, classes);
                double dot = 0;
                for (int k = 0; k < classes; k++) {
                    dot += Math.exp(z[o + k] - logSum) * rz[o + k];
                }
                for (int k = 0; k < classes; k++) {
                    out[o + k] = Math.exp(z[o + k] - logSum) * (rz[o + k] - dot) / n;
                }
            }
        }
    },
    MSE("mse") {
        @Override
        public void terms(double[] z, int classes, int[] labels, int n, double[] grad, double[] terms, int from, int to) {
            double scale = 1.0 / ((double) n * classes);
            for (int j = from; j < to; j++) {
                int o = j * classes;
                for (int k = 0; k < classes; k++) {
                    double d = z[o + k] - (k == labels[j] ? 1 : 0);
                    terms[o + k] = d * d;
                    if (grad != null) {
                        grad[o + k] = 2 * d * scale;
                    }
                }
            }
        }

        @Override
        public double mean(double[] terms, int n, int classes) {
            double total = 0;
            for (int i = 0; i < n * classes; i++) {
                total += terms[i];
            }
            return total * (1.0 / ((double) n * classes));
        }

        @Override
        public void hessianTimes(double[] z, int classes, int n, double[] rz, double[] out, int from, int to) {
            double scale = 2.0 / ((double) n * classes);
            for (int i = from * classes; i < to * classes; i++) {
                out[i] = scale * rz[i];
            }
        }
    };

    private final String id;

    Loss(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /**
     * Mean loss over n samples; when grad is not null it receives dL/dz (already divided by n).
     */
    public double lossAndGradient(double[] z, int classes, int[] labels, int n, double[] grad) {
        double[] terms = new double[n * classes];
        terms(z, classes, labels, n, grad, terms, 0, n);
        return mean(terms, n, classes);
    }

    /**
     * The loss's terms for samples [from, to) of n, and their dL/dz in grad (already divided by n)
     * when grad is not null: for passes cut by samples among threads, each part its own samples.
     * terms holds n x classes values; a sample's terms go where {@link #mean} adds them in order
     * (cross-entropy: one per sample, at j; squared error: one per logit, at j * classes + k), so
     * the mean has the same bits however the samples were cut.
     */
    public abstract void terms(double[] z, int classes, int[] labels, int n, double[] grad, double[] terms, int from,
                               int to);

    /** The mean loss over all n samples from their {@link #terms}, added in sample order. */
    public abstract double mean(double[] terms, int n, int classes);

    /** out = (d2L/dz2) rz, the loss's Hessian with respect to the logits applied to rz (batch-mean scaling). */
    public void hessianTimes(double[] z, int classes, int n, double[] rz, double[] out) {
        hessianTimes(z, classes, n, rz, out, 0, n);
    }

    /** As {@link #hessianTimes(double[], int, int, double[], double[])} for samples [from, to) of the n only. */
    public abstract void hessianTimes(double[] z, int classes, int n, double[] rz, double[] out, int from, int to);

    /** log(sum_k exp(z[o+k])) over one sample's logits, shifted by the maximum so exp cannot overflow. */
    public static double logSumExp(double[] z, int o, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, z[o + k]);
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(z[o + k] - max);
        }
        return max + Math.log(sum);
    }

    public static Loss parse(String s) {
        String t = s.toLowerCase(Locale.ROOT);
        if (t.equals("ce") || t.equals("cross-entropy") || t.equals("cross_entropy") || t.equals("crossentropy")) {
            return CROSS_ENTROPY;
        }
        if (t.equals("mse")) {
            return MSE;
        }
        throw new IllegalArgumentException("unknown loss '" + s + "' (expected cross-entropy or mse)");
    }
}
