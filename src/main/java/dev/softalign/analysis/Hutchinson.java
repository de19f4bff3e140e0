package dev.softalign.analysis;

import dev.softalign.nn.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Trace estimation from products alone: Hutchinson's estimator tr(A) = E[v^T A v] for Rademacher
 * v, optionally preceded by the low-rank sketch of Hutch++ (Meyer, Musco, Musco and Woodruff 2021).
 *
 * <p>Hutch++ spends 2k products on Q = orth(A S) for k Rademacher columns S, takes tr(Q^T A Q)
 * exactly and leaves Hutchinson only the deflated rest, tr((I - QQ^T) A (I - QQ^T)), whose
 * variance 2 ||(I - QQ^T) A (I - QQ^T)||_F^2 (off-diagonal part) no longer holds the top
 * eigenvalues. On spectra with a few outliers over a flat bulk (trained networks' Hessians) it
 * reaches a given error with far fewer products. Meyer et al. split a fixed budget in thirds; here
 * the probes are adaptive as in Hutchinson: drawn until the standard error of the mean falls below
 * target * |estimate| (after at least minSamples) or maxSamples are used, and the result says
 * whether the target was met.
 */
public final class Hutchinson {

    public static final double DEFAULT_TARGET = 0.01;
    public static final int DEFAULT_MIN_SAMPLES = 10;
    public static final int DEFAULT_MAX_SAMPLES = 1000;
    /** Sketch columns k of Hutch++ (2k products); 0 is plain Hutchinson. */
    public static final int DEFAULT_SKETCH = 0;

    /**
     * The estimate mean +- stderr, from samples Rademacher probes after a sketch of rank sketch
     * (0: plain Hutchinson, method "hutchinson"; else "hutch++"); products counts every operator
     * application; converged says whether stderr < target * |mean| was reached.
     */
    public record Trace(String method, double mean, double stderr, int samples, int sketch, long products,
            double target, boolean converged) {
    }

    private double target = DEFAULT_TARGET;
    private int minSamples = DEFAULT_MIN_SAMPLES;
    private int maxSamples = DEFAULT_MAX_SAMPLES;
    private int sketch = DEFAULT_SKETCH;
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

    /** Most Rademacher probes after the sketch (default 1000). */
    public Hutchinson maxSamples(int m) {
        maxSamples = m;
        return this;
    }

    /** Hutch++ with a sketch of k columns (2k products); 0 (default) is plain Hutchinson. */
    public Hutchinson sketch(int k) {
        sketch = k;
        return this;
    }

    public Hutchinson seed(long s) {
        seed = s;
        return this;
    }

    public Trace run(LinearOperator op) {
        if (maxSamples < 2 || minSamples < 2 || !(target > 0)) {
            throw new IllegalArgumentException("trace estimation needs at least 2 samples and a positive target");
        }
        if (sketch < 0) {
            throw new IllegalArgumentException("the Hutch++ sketch must be >= 0 columns, got " + sketch);
        }
        int n = op.dimension();
        SplittableRandom rng = new SplittableRandom(seed);
        double[] out = new double[n];
        long products = 0;
        List<double[]> q = new ArrayList<>();
        double low = 0;
        if (sketch > 0) {
            double largest = 0;
            for (int i = 0; i < Math.min(sketch, n); i++) {
                double[] y = op.times(Lanczos.rademacher(n, rng));
                products++;
                largest = Math.max(largest, Vectors.norm(y));
                project(y, q);
                project(y, q);
                double norm = Vectors.norm(y);
                // A column already in the span (rank below k) adds nothing.
                if (norm > 1e-10 * largest) {
                    Vectors.scale(y, 1 / norm);
                    q.add(y);
                }
            }
            for (double[] qi : q) {
                op.apply(qi, out);
                products++;
                low += Vectors.dot(qi, out);
            }
        }
        String method = sketch > 0 ? "hutch++" : "hutchinson";
        if (q.size() == n) {
            // The sketch spans the whole space: its trace is the trace, exactly.
            return new Trace(method, low, 0, 0, q.size(), products, target, true);
        }
        double mean = 0;
        double m2 = 0;
        int s = 0;
        double stderr = Double.NaN;
        boolean converged = false;
        while (s < maxSamples) {
            double[] v = Lanczos.rademacher(n, rng);
            project(v, q);
            op.apply(v, out);
            products++;
            double x = Vectors.dot(v, out);
            // Welford's update: stable mean and variance in one pass.
            s++;
            double d = x - mean;
            mean += d / s;
            m2 += d * (x - mean);
            if (s >= 2) {
                stderr = Math.sqrt(m2 / (s - 1) / s);
                converged = stderr < target * Math.abs(low + mean);
                if (s >= minSamples && converged) {
                    break;
                }
            }
        }
        return new Trace(method, low + mean, stderr, s, q.size(), products, target, converged);
    }

    /** v -= Q Q^T v for the orthonormal columns in q. */
    private static void project(double[] v, List<double[]> q) {
        for (double[] qi : q) {
            Vectors.axpy(-Vectors.dot(qi, v), qi, v);
        }
    }
}
