package dev.softalign.analysis;

import dev.softalign.nn.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Power iteration with deflation, as PyHessian computes the top eigenvalues: per eigenvalue, a
 * random start, orthonormalised against the eigenvectors already found before every product,
 * stopping when the Rayleigh quotient changes by less than tol relative to the previous one
 * (|prev - now| / (|prev| + 1e-6) < tol) or after maxIterations. Kept for comparison with
 * {@link Lanczos}: its stopping rule says little about the residual, which is reported too
 * (||A v - lambda v|| for the last product, no extra cost).
 */
public final class PowerIteration {

    public record Result(double[] eigenvalues, double[][] eigenvectors, double[] residuals, int[] iterations,
            long products) {
    }

    /** PyHessian's defaults. */
    public static final double DEFAULT_TOL = 1e-3;
    public static final int DEFAULT_MAX_ITERATIONS = 100;

    private int top = 1;
    private double tol = DEFAULT_TOL;
    private int maxIterations = DEFAULT_MAX_ITERATIONS;
    private long seed = 1;
    private double residualTol = 0;

    public static PowerIteration create() {
        return new PowerIteration();
    }

    public PowerIteration top(int k) {
        top = k;
        return this;
    }

    public PowerIteration tol(double t) {
        tol = t;
        return this;
    }

    public PowerIteration maxIterations(int m) {
        maxIterations = m;
        return this;
    }

    /**
     * Stop instead when ||A v - lambda v|| <= r |lambda| (the criterion Lanczos uses), ignoring the
     * eigenvalue-change rule; 0 (default) keeps PyHessian's rule.
     */
    public PowerIteration residualTol(double r) {
        residualTol = r;
        return this;
    }

    public PowerIteration seed(long s) {
        seed = s;
        return this;
    }

    public Result run(LinearOperator op) {
        int n = op.dimension();
        if (top < 1 || top > n) {
            throw new IllegalArgumentException("top must lie in [1, " + n + "], got " + top);
        }
        if (!(tol > 0) || maxIterations < 1) {
            throw new IllegalArgumentException("power iteration needs tol > 0 and max iterations >= 1");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        List<double[]> found = new ArrayList<>();
        double[] values = new double[top];
        double[] residuals = new double[top];
        int[] iterations = new int[top];
        double[] hv = new double[n];
        long products = 0;
        for (int k = 0; k < top; k++) {
            double[] v = Lanczos.gaussian(n, rng);
            Vectors.scale(v, 1 / Vectors.norm(v));
            double eigenvalue = Double.NaN;
            for (int it = 0; it < maxIterations; it++) {
                for (double[] u : found) {
                    Vectors.axpy(-Vectors.dot(u, v), u, v);
                }
                Vectors.scale(v, 1 / Vectors.norm(v));
                op.apply(v, hv);
                products++;
                iterations[k] = it + 1;
                double now = Vectors.dot(v, hv);
                double r = 0;
                for (int i = 0; i < n; i++) {
                    double d = hv[i] - now * v[i];
                    r += d * d;
                }
                residuals[k] = Math.sqrt(r);
                double norm = Vectors.norm(hv);
                boolean stop = residualTol > 0 ? residuals[k] <= residualTol * Math.abs(now)
                        : it > 0 && Math.abs(eigenvalue - now) / (Math.abs(eigenvalue) + 1e-6) < tol;
                eigenvalue = now;
                if (norm == 0) {
                    break;
                }
                if (stop) {
                    break;
                }
                System.arraycopy(hv, 0, v, 0, n);
                Vectors.scale(v, 1 / norm);
            }
            values[k] = eigenvalue;
            found.add(v);
        }
        return new Result(values, found.toArray(new double[0][]), residuals, iterations, products);
    }
}
