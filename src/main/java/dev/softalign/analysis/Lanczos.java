package dev.softalign.analysis;

import dev.softalign.nn.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Lanczos iteration with full re-orthogonalisation for the extreme eigenvalues of a symmetric
 * operator. After m steps, A Q_m = Q_m T_m + beta_m q_{m+1} e_m^T, so a Ritz pair (theta, Q_m s)
 * of T_m has residual ||A y - theta y|| = |beta_m s_m|, known without another product. The
 * iteration stops when every requested Ritz pair meets ||A y - theta y|| <= tol |theta|, on an
 * invariant subspace (beta_m ~ 0), or after maxSteps; the final residuals are then verified with
 * real products (one per requested pair) unless that is switched off.
 */
public final class Lanczos {

    /**
     * Extreme eigenpairs. Eigenvalues are descending within top and ascending within bottom
     * (bottom[0] is the smallest). Residuals are ||A y - theta y|| (true ones when verified).
     * Vectors are null unless asked for. products counts every operator application.
     */
    public record Result(double[] top, double[] bottom, double[] topResiduals, double[] bottomResiduals,
            double[][] topVectors, double[][] bottomVectors, int steps, long products, boolean converged,
            boolean verified) {
    }

    /** The tridiagonal T_m (alpha on the diagonal, beta off it) and the Lanczos basis if kept. */
    record Tridiagonal(double[] alpha, double[] beta, List<double[]> basis, double lastBeta, long products) {
    }

    public static final int DEFAULT_MAX_STEPS = 300;
    public static final double DEFAULT_TOL = 1e-6;

    private int top = 1;
    private int bottom = 0;
    private double tol = DEFAULT_TOL;
    private int maxSteps = DEFAULT_MAX_STEPS;
    private long seed = 1;
    private boolean vectors;
    private boolean verify = true;

    public static Lanczos create() {
        return new Lanczos();
    }

    public Lanczos top(int k) {
        top = k;
        return this;
    }

    public Lanczos bottom(int k) {
        bottom = k;
        return this;
    }

    public Lanczos tol(double t) {
        tol = t;
        return this;
    }

    public Lanczos maxSteps(int m) {
        maxSteps = m;
        return this;
    }

    public Lanczos seed(long s) {
        seed = s;
        return this;
    }

    /** Also return the Ritz vectors. */
    public Lanczos vectors(boolean v) {
        vectors = v;
        return this;
    }

    /** Check the final residuals with real products (default on). */
    public Lanczos verify(boolean v) {
        verify = v;
        return this;
    }

    public Result run(LinearOperator op) {
        int n = op.dimension();
        if (top < 0 || bottom < 0 || top + bottom < 1) {
            throw new IllegalArgumentException("ask for at least one eigenvalue (top " + top + ", bottom " + bottom + ")");
        }
        if (!(tol > 0)) {
            throw new IllegalArgumentException("tolerance must be positive, got " + tol);
        }
        if (maxSteps < 1) {
            throw new IllegalArgumentException("max steps must be >= 1, got " + maxSteps);
        }
        if (top > n || bottom > n) {
            throw new IllegalArgumentException("asked for the " + (top > n ? top + " largest" : bottom + " smallest")
                    + " eigenvalues of an operator of dimension " + n);
        }
        int kTop = top;
        int kBottom = bottom;
        int limit = Math.min(maxSteps, n);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] start = gaussian(n, rng);
        List<double[]> q = new ArrayList<>();
        double[] alpha = new double[limit];
        double[] beta = new double[limit];
        double[] w = new double[n];
        long products = 0;
        Dense.Eigen eig = null;
        double[] topRes = new double[kTop];
        double[] bottomRes = new double[kBottom];
        boolean converged = false;
        int m = 0;
        int block = 0;
        Vectors.scale(start, 1 / Vectors.norm(start));
        q.add(start);
        while (true) {
            boolean breakdown = step(op, q, alpha, beta, w, m);
            products++;
            m++;
            if (breakdown && m < limit && !settled(alpha, beta, block, m, kTop, kBottom, true, tol)) {
                double[] restart = restart(q, n, rng);
                if (restart != null) {
                    // T becomes block diagonal: the new block explores the complement of the invariant subspace.
                    beta[m - 1] = 0;
                    q.add(restart);
                    block = m;
                    continue;
                }
            }
            // The check costs O(m^3) (eigenvectors of T_m); past 50 steps it runs every 5th step.
            boolean check = m >= Math.min(n, kTop + kBottom) && (m <= 50 || m % 5 == 0);
            if (check || breakdown || m == limit) {
                eig = Dense.tridiagonal(java.util.Arrays.copyOf(alpha, m), java.util.Arrays.copyOf(beta, m));
                converged = true;
                for (int k = 0; k < kTop; k++) {
                    int idx = Math.min(k, m - 1);
                    topRes[k] = Math.abs(beta[m - 1] * eig.vectors()[idx][m - 1]);
                    converged &= k < m && (breakdown || topRes[k] <= tol * Math.abs(eig.values()[idx]));
                }
                for (int k = 0; k < kBottom; k++) {
                    int idx = Math.max(m - 1 - k, 0);
                    bottomRes[k] = Math.abs(beta[m - 1] * eig.vectors()[idx][m - 1]);
                    converged &= k < m && (breakdown || bottomRes[k] <= tol * Math.abs(eig.values()[idx]));
                }
                // After a restart, converged Ritz pairs of the current block may be one more copy of a
                // repeated eigenvalue: the answer is complete only once a block adds nothing to it.
                converged &= block == 0 || settled(alpha, beta, block, m, kTop, kBottom, breakdown, tol);
                if (converged || breakdown || m == limit) {
                    break;
                }
            }
            q.add(next(w, beta[m - 1]));
        }
        int kt = Math.min(kTop, m);
        int kb = Math.min(kBottom, m);
        double[] topValues = new double[kt];
        double[] bottomValues = new double[kb];
        double[][] topVec = new double[kt][];
        double[][] bottomVec = new double[kb][];
        for (int k = 0; k < kt; k++) {
            topValues[k] = eig.values()[k];
            if (vectors || verify) {
                topVec[k] = ritz(q, eig.vectors()[k], m, n);
            }
        }
        for (int k = 0; k < kb; k++) {
            bottomValues[k] = eig.values()[m - 1 - k];
            if (vectors || verify) {
                bottomVec[k] = ritz(q, eig.vectors()[m - 1 - k], m, n);
            }
        }
        topRes = java.util.Arrays.copyOf(topRes, kt);
        bottomRes = java.util.Arrays.copyOf(bottomRes, kb);
        if (verify) {
            for (int k = 0; k < kt; k++) {
                topRes[k] = residual(op, topVec[k], topValues[k], w);
                products++;
            }
            for (int k = 0; k < kb; k++) {
                bottomRes[k] = residual(op, bottomVec[k], bottomValues[k], w);
                products++;
            }
        }
        return new Result(topValues, bottomValues, topRes, bottomRes, vectors ? topVec : null,
                vectors ? bottomVec : null, m, products, converged, verify);
    }

    /**
     * Whether, at a breakdown, the block just finished (steps block..m-1, an invariant subspace)
     * leaves the answer as it was. Its Ritz values are exact eigenvalues, and from a random start
     * the largest and smallest of them are those of the operator on the complement of the earlier
     * blocks. If none of them is among the top (bottom) k of all found so far, no eigenvalue that
     * matters is left outside the basis; otherwise a repeated eigenvalue may have a copy there
     * (a Krylov space holds one eigenvector per distinct eigenvalue), so the iteration restarts.
     */
    private static boolean settled(double[] alpha, double[] beta, int block, int m, int kTop, int kBottom,
            boolean breakdown, double tol) {
        if (block == 0) {
            return false;
        }
        double[] before = Dense.tridiagonal(java.util.Arrays.copyOf(alpha, block), java.util.Arrays.copyOf(beta, block))
                .values();
        Dense.Eigen now = Dense.tridiagonal(java.util.Arrays.copyOfRange(alpha, block, m),
                java.util.Arrays.copyOfRange(beta, block, m));
        double[] v = now.values();
        int last = v.length - 1;
        // Until the block breaks down, its extreme Ritz values only approach the complement's extremes from inside.
        boolean topKnown = breakdown || Math.abs(beta[m - 1] * now.vectors()[0][last]) <= tol * Math.abs(v[0]);
        boolean bottomKnown = breakdown || Math.abs(beta[m - 1] * now.vectors()[last][last]) <= tol * Math.abs(v[last]);
        double slack = 1e-12 * Math.max(Math.abs(before[0]), Math.abs(before[before.length - 1]));
        boolean top = kTop == 0 || topKnown && before.length >= kTop && v[0] <= before[kTop - 1] + slack;
        boolean bottom = kBottom == 0 || bottomKnown && before.length >= kBottom
                && v[last] >= before[before.length - kBottom] - slack;
        return top && bottom;
    }

    /** A random unit vector orthogonal to the basis, or null if the basis spans the whole space. */
    private static double[] restart(List<double[]> q, int n, SplittableRandom rng) {
        double[] v = gaussian(n, rng);
        double before = Vectors.norm(v);
        reorthogonalize(v, q);
        double norm = Vectors.norm(v);
        if (!(norm > 1e-8 * before)) {
            return null;
        }
        Vectors.scale(v, 1 / norm);
        return v;
    }

    /**
     * m Lanczos steps from the given start (normalised here), for quadrature: no convergence test,
     * stops early only on an invariant subspace.
     */
    static Tridiagonal steps(LinearOperator op, double[] start, int steps) {
        int n = op.dimension();
        int limit = Math.min(steps, n);
        List<double[]> q = new ArrayList<>();
        double[] alpha = new double[limit];
        double[] beta = new double[limit];
        double[] w = new double[n];
        double[] q0 = start.clone();
        Vectors.scale(q0, 1 / Vectors.norm(q0));
        q.add(q0);
        int m = 0;
        long products = 0;
        while (true) {
            boolean breakdown = step(op, q, alpha, beta, w, m);
            products++;
            m++;
            if (m == limit || breakdown) {
                break;
            }
            q.add(next(w, beta[m - 1]));
        }
        return new Tridiagonal(java.util.Arrays.copyOf(alpha, m), java.util.Arrays.copyOf(beta, m), q, beta[m - 1],
                products);
    }

    /**
     * Lanczos step m: w = H q_m, fully re-orthogonalised against the basis; sets alpha[m] and
     * beta[m] and returns true on breakdown (w vanished: the basis spans an invariant subspace).
     */
    private static boolean step(LinearOperator op, List<double[]> q, double[] alpha, double[] beta, double[] w, int m) {
        double[] qm = q.get(m);
        op.apply(qm, w);
        alpha[m] = Vectors.dot(qm, w);
        reorthogonalize(w, q);
        beta[m] = Vectors.norm(w);
        if (!Double.isFinite(alpha[m]) || !Double.isFinite(beta[m])) {
            throw new IllegalArgumentException("the operator's product is not finite at Lanczos step " + (m + 1)
                    + " (the model's weights or data overflow)");
        }
        return beta[m] <= 1e-12 * scale(alpha, beta, m + 1);
    }

    /** The next basis vector, w / beta. */
    private static double[] next(double[] w, double beta) {
        double[] q = w.clone();
        Vectors.scale(q, 1 / beta);
        return q;
    }

    /**
     * w -= sum_i (q_i . w) q_i, twice: classical Gram-Schmidt repeated once is enough to keep the
     * basis orthogonal to working precision (it also removes the alpha and beta terms of the
     * three-term recurrence, so they need no separate subtraction).
     */
    private static void reorthogonalize(double[] w, List<double[]> q) {
        for (int pass = 0; pass < 2; pass++) {
            for (double[] qi : q) {
                Vectors.axpy(-Vectors.dot(qi, w), qi, w);
            }
        }
    }

    /** A size for the breakdown test: the largest entry of T so far. */
    private static double scale(double[] alpha, double[] beta, int m) {
        double s = 0;
        for (int i = 0; i < m; i++) {
            s = Math.max(s, Math.max(Math.abs(alpha[i]), Math.abs(beta[i])));
        }
        return s == 0 ? 1 : s;
    }

    private static double[] ritz(List<double[]> q, double[] s, int m, int n) {
        double[] y = new double[n];
        for (int i = 0; i < m; i++) {
            Vectors.axpy(s[i], q.get(i), y);
        }
        Vectors.scale(y, 1 / Vectors.norm(y));
        return y;
    }

    /** ||A y - theta y|| with one real product; buffer is scratch. */
    static double residual(LinearOperator op, double[] y, double theta, double[] buffer) {
        op.apply(y, buffer);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            double r = buffer[i] - theta * y[i];
            s += r * r;
        }
        return Math.sqrt(s);
    }

    static double[] gaussian(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    static double[] rademacher(int n, SplittableRandom rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextBoolean() ? 1 : -1;
        }
        return v;
    }
}
