package dev.softalign.attack;

/**
 * A per-sample loss of the logits that an attack ascends, with its gradient in the logits; the
 * model's backward path carries that gradient to the input ({@link GradientSource#gradient(double[],
 * int[], int[], LogitLoss, double[], double[], int[])}). Logits of sample j sit at
 * z[offset .. offset + classes).
 */
public interface LogitLoss {

    /** The loss for true label {@code label} (and {@code target}, -1 when none); dL/dz into dz at the same offsets. */
    double valueAndGradient(double[] z, int offset, int classes, int label, int target, double[] dz);

    /** Cross-entropy of the true label: log sum exp z - z_label; gradient softmax(z) - onehot(label). */
    LogitLoss CROSS_ENTROPY = (z, o, c, label, target, dz) -> {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < c; k++) {
            max = Math.max(max, z[o + k]);
        }
        double sum = 0;
        for (int k = 0; k < c; k++) {
            sum += Math.exp(z[o + k] - max);
        }
        for (int k = 0; k < c; k++) {
            dz[o + k] = Math.exp(z[o + k] - max) / sum - (k == label ? 1 : 0);
        }
        return max + Math.log(sum) - z[o + label];
    };

    /**
     * The targeted difference-of-logits-ratio loss of Croce and Hein (2020):
     * -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2 + 1e-12), with z_pi1 >= z_pi2 >= ... the sorted
     * logits. Invariant to shifting and scaling the logits; needs at least 4 classes.
     */
    LogitLoss DLR_TARGETED = (z, o, c, label, target, dz) -> {
        // Indices of the largest, third and fourth largest logits (ties: the lower index first, as a stable sort).
        int[] top = new int[4];
        java.util.Arrays.fill(top, -1);
        for (int k = 0; k < c; k++) {
            double v = z[o + k];
            int pos = 4;
            while (pos > 0 && (top[pos - 1] < 0 || v > z[o + top[pos - 1]])) {
                pos--;
            }
            if (pos < 4) {
                System.arraycopy(top, pos, top, pos + 1, 3 - pos);
                top[pos] = k;
            }
        }
        double num = z[o + label] - z[o + target];
        double den = z[o + top[0]] - 0.5 * (z[o + top[2]] + z[o + top[3]]) + 1e-12;
        for (int k = 0; k < c; k++) {
            dz[o + k] = 0;
        }
        dz[o + label] -= 1 / den;
        dz[o + target] += 1 / den;
        double dDen = num / (den * den);
        dz[o + top[0]] += dDen;
        dz[o + top[2]] -= 0.5 * dDen;
        dz[o + top[3]] -= 0.5 * dDen;
        return -num / den;
    };
}
