package dev.softalign.analysis;

import java.util.SplittableRandom;

/**
 * Spectral density by stochastic Lanczos quadrature: for each of several Rademacher starts, m
 * Lanczos steps give nodes theta_j (eigenvalues of T_m) and weights tau_j (squared first
 * components of its eigenvectors, summing to 1); the density is the average over starts of
 * sum_j tau_j N(t; theta_j, sigma^2), evaluated on a uniform grid reaching 6 sigma past the
 * extreme nodes, so it integrates to 1 up to the Gaussian tails (~2e-9).
 */
public final class SpectralDensity {

    /** The density on a grid; integral is its trapezoid integral (1 up to the Gaussian tails). */
    public record Density(double[] grid, double[] values, double sigma, double integral, int runs, int steps,
            long products) {
    }

    public static final int DEFAULT_RUNS = 5;
    public static final int DEFAULT_STEPS = 80;
    public static final int DEFAULT_POINTS = 1000;

    private int runs = DEFAULT_RUNS;
    private int steps = DEFAULT_STEPS;
    private double sigma = 0;
    private int points = DEFAULT_POINTS;
    private long seed = 1;

    public static SpectralDensity create() {
        return new SpectralDensity();
    }

    public SpectralDensity runs(int r) {
        runs = r;
        return this;
    }

    public SpectralDensity steps(int m) {
        steps = m;
        return this;
    }

    /** Gaussian broadening; 0 (default) picks 1% of the spread of the nodes. */
    public SpectralDensity sigma(double s) {
        sigma = s;
        return this;
    }

    /** Grid points (default 1000; raised to keep 4 points per sigma). */
    public SpectralDensity points(int p) {
        points = p;
        return this;
    }

    public SpectralDensity seed(long s) {
        seed = s;
        return this;
    }

    public Density run(LinearOperator op) {
        if (runs < 1 || steps < 1 || points < 2 || sigma < 0) {
            throw new IllegalArgumentException("density needs runs >= 1, steps >= 1, points >= 2 and sigma >= 0");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] nodes = new double[runs][];
        double[][] weights = new double[runs][];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        long products = 0;
        for (int r = 0; r < runs; r++) {
            Lanczos.Tridiagonal t = Lanczos.steps(op, Lanczos.rademacher(op.dimension(), rng), steps);
            products += t.products();
            Dense.Eigen e = Dense.tridiagonal(t.alpha(), t.beta());
            nodes[r] = e.values();
            weights[r] = new double[nodes[r].length];
            for (int j = 0; j < nodes[r].length; j++) {
                double s0 = e.vectors()[j][0];
                weights[r][j] = s0 * s0;
                lo = Math.min(lo, nodes[r][j]);
                hi = Math.max(hi, nodes[r][j]);
            }
        }
        double s = sigma > 0 ? sigma : 0.01 * Math.max(hi - lo, 1e-3 * Math.max(Math.abs(hi), 1));
        double from = lo - 6 * s;
        double to = hi + 6 * s;
        // At least 4 points per sigma, so the grid resolves every Gaussian and the integral holds.
        int count = (int) Math.min(200_000, Math.max(points, Math.ceil((to - from) / (s / 4)) + 1));
        double[] grid = new double[count];
        double[] values = new double[count];
        double norm = 1 / (runs * s * Math.sqrt(2 * Math.PI));
        for (int i = 0; i < count; i++) {
            double t = from + (to - from) * i / (count - 1);
            grid[i] = t;
            double v = 0;
            for (int r = 0; r < runs; r++) {
                for (int j = 0; j < nodes[r].length; j++) {
                    double z = (t - nodes[r][j]) / s;
                    v += weights[r][j] * Math.exp(-0.5 * z * z);
                }
            }
            values[i] = v * norm;
        }
        return new Density(grid, values, s, integral(grid, values), runs, steps, products);
    }

    static double integral(double[] grid, double[] values) {
        double s = 0;
        for (int i = 1; i < grid.length; i++) {
            s += 0.5 * (values[i] + values[i - 1]) * (grid[i] - grid[i - 1]);
        }
        return s;
    }
}
