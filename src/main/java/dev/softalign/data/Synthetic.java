package dev.softalign.data;

import java.util.SplittableRandom;

/**
 * Small synthetic classification tasks for fast tests and smoke runs. Everything is drawn from
 * one {@link SplittableRandom} seeded by the caller, so the same arguments always give
 * identical arrays. Features lie in [0,1] like image pixels, so the same network settings apply.
 * Each method generates {@code samples} examples and returns the first 80% as training set and
 * the remaining 20% as test set (drawn from the same distribution).
 */
public final class Synthetic {

    private Synthetic() {
    }

    /**
     * Gaussian blobs: one center per class, uniform in [0.2, 0.8]^features, samples are center
     * plus N(0, spread^2) noise per feature, clipped into [0,1]. Classes are balanced (label
     * i mod classes before a seeded shuffle) so every class appears in both sets when
     * samples >= 5 * classes.
     */
    public static Split blobs(int samples, int features, int classes, double spread, long seed) {
        check(samples, features, classes);
        if (!(spread >= 0)) {
            throw new IllegalArgumentException("blobs: spread must be >= 0, got " + spread);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] centers = new double[classes][features];
        for (double[] c : centers) {
            for (int j = 0; j < features; j++) {
                c[j] = 0.2 + 0.6 * rng.nextDouble();
            }
        }
        int[] y = new int[samples];
        for (int i = 0; i < samples; i++) {
            y[i] = i % classes;
        }
        shuffle(y, rng);
        double[] x = new double[samples * features];
        for (int i = 0; i < samples; i++) {
            double[] c = centers[y[i]];
            for (int j = 0; j < features; j++) {
                x[i * features + j] = clip(c[j] + spread * rng.nextGaussian());
            }
        }
        return split("blobs", new Dataset("blobs", new int[] {features}, classes, x, y));
    }

    /**
     * Teacher task: inputs uniform in [0,1]^features, label = argmax of a fixed random network
     * logits = W2 tanh(W1 (x - 0.5) + b1) + b2 with W1 ~ N(0, 4/features), W2 ~ N(0, 1/hidden).
     * Inputs are centered inside the teacher so the hidden units are not all saturated the same
     * way. The output bias b2 is set to minus the mean logit over a calibration sample from the
     * same seed, which keeps the classes roughly balanced instead of letting one class dominate.
     * The task is exactly learnable by a one-hidden-layer network.
     */
    public static Split teacher(int samples, int features, int classes, int hidden, long seed) {
        check(samples, features, classes);
        if (hidden <= 0) {
            throw new IllegalArgumentException("teacher: hidden must be > 0, got " + hidden);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double s1 = 2 / Math.sqrt(features), s2 = 1 / Math.sqrt(hidden);
        double[][] w1 = new double[hidden][features];
        double[] b1 = new double[hidden];
        double[][] w2 = new double[classes][hidden];
        for (int h = 0; h < hidden; h++) {
            for (int j = 0; j < features; j++) {
                w1[h][j] = s1 * rng.nextGaussian();
            }
            b1[h] = 0.5 * rng.nextGaussian();
        }
        for (int k = 0; k < classes; k++) {
            for (int h = 0; h < hidden; h++) {
                w2[k][h] = s2 * rng.nextGaussian();
            }
        }
        // Calibrate b2 on its own stream so the data stream does not depend on the calibration size.
        SplittableRandom calib = rng.split();
        int calibration = 2000;
        double[] b2 = new double[classes];
        double[] in = new double[features];
        double[] out = new double[classes];
        for (int i = 0; i < calibration; i++) {
            for (int j = 0; j < features; j++) {
                in[j] = calib.nextDouble();
            }
            logits(in, w1, b1, w2, new double[classes], out);
            for (int k = 0; k < classes; k++) {
                b2[k] -= out[k] / calibration;
            }
        }
        double[] x = new double[samples * features];
        int[] y = new int[samples];
        for (int i = 0; i < samples; i++) {
            for (int j = 0; j < features; j++) {
                in[j] = rng.nextDouble();
                x[i * features + j] = in[j];
            }
            logits(in, w1, b1, w2, b2, out);
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (out[k] > out[best]) {
                    best = k;
                }
            }
            y[i] = best;
        }
        return split("teacher", new Dataset("teacher", new int[] {features}, classes, x, y));
    }

    private static void logits(double[] in, double[][] w1, double[] b1, double[][] w2, double[] b2, double[] out) {
        int hidden = w1.length;
        double[] h = new double[hidden];
        for (int u = 0; u < hidden; u++) {
            double a = b1[u];
            for (int j = 0; j < in.length; j++) {
                a += w1[u][j] * (in[j] - 0.5);
            }
            h[u] = Math.tanh(a);
        }
        for (int k = 0; k < out.length; k++) {
            double a = b2[k];
            for (int u = 0; u < hidden; u++) {
                a += w2[k][u] * h[u];
            }
            out[k] = a;
        }
    }

    /** First 80% train, rest test; the data are already in random order. */
    private static Split split(String name, Dataset all) {
        int train = (int) Math.round(all.size() * 0.8);
        Dataset tr = all.slice(0, train), te = all.slice(train, all.size());
        return new Split(tr.named(name + "/train"), te.named(name + "/test"));
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static double clip(double v) {
        return Math.min(1, Math.max(0, v));
    }

    private static void check(int samples, int features, int classes) {
        if (samples < 2 || features < 1 || classes < 2) {
            throw new IllegalArgumentException("synthetic task needs samples >= 2, features >= 1, classes >= 2; got "
                    + samples + ", " + features + ", " + classes);
        }
    }
}
