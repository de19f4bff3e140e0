package dev.softalign.analysis;

import java.util.SplittableRandom;

/**
 * Hutchinson's trace estimator: tr(A) = E[v^T A v] for Rademacher v. Samples are drawn until the
 * standard error of the mean falls below target * |mean| (after at least minSamples) or
 * maxSamples are used.
 */
public final class Hutchinson {

    /** mean +- stderr over samples products. */
    public record Trace(double mean, double stderr, int samples) {
    }

    private double target = 0.01;
    private int minSamples = 10;
    private int maxSamples = 1000;
    private long seed = 1;

    public static Hutchinson create() {
        return new Hutchinson();
    }

    /** Relative standard error to stop at (default 0.01). */
    public Hutchinson target(double t) {
        target = t;
        return this;
    }

    public Hutchinson minSamples(int m) {
        minSamples = m;
        return this;
    }

    public Hutchinson maxSamples(int m) {
        maxSamples = m;
        return this;
    }

    public Hutchinson seed(long s) {
        seed = s;
        return this;
    }

    public Trace run(LinearOperator op) {
        if (maxSamples < 2 || minSamples < 2 || !(target > 0)) {
            throw new IllegalArgumentException("Hutchinson needs at least 2 samples and a positive target");
        }
        int n = op.dimension();
        SplittableRandom rng = new SplittableRandom(seed);
        double[] out = new double[n];
        double mean = 0;
        double m2 = 0;
        int s = 0;
        double stderr = Double.NaN;
        while (s < maxSamples) {
            double[] v = Lanczos.rademacher(n, rng);
            op.apply(v, out);
            double x = 0;
            for (int i = 0; i < n; i++) {
                x += v[i] * out[i];
            }
            // Welford's update: stable mean and variance in one pass.
            s++;
            double d = x - mean;
            mean += d / s;
            m2 += d * (x - mean);
            if (s >= 2) {
                stderr = Math.sqrt(m2 / (s - 1) / s);
                if (s >= minSamples && stderr < target * Math.abs(mean)) {
                    break;
                }
            }
        }
        return new Trace(mean, stderr, s);
    }
}
