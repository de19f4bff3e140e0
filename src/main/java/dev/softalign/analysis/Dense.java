package dev.softalign.analysis;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;

/**
 * Explicit matrices of small operators and their full eigendecomposition: the exact oracle the
 * iterative solvers are tested against, and a tool in its own right for small networks.
 */
public final class Dense {

    /** Above this many rows the n x n matrix (n products, n^2 doubles, O(n^3) eigen) is refused. */
    public static final int LIMIT = 5000;

    /** Eigenvalues in descending order; vectors[k] is the unit eigenvector of values[k]. */
    public record Eigen(double[] values, double[][] vectors) {
    }

    private Dense() {
    }

    /** The operator as an explicit matrix, column j = A e_j (n products; no symmetrisation). */
    public static double[][] matrix(LinearOperator op) {
        int n = op.dimension();
        if (n > LIMIT) {
            throw new IllegalArgumentException("a dense Hessian of " + n + " parameters is too large (limit " + LIMIT
                    + "); use Lanczos for the extreme eigenvalues, or a smaller network or --layer");
        }
        double[][] a = new double[n][n];
        double[] e = new double[n];
        double[] col = new double[n];
        for (int j = 0; j < n; j++) {
            e[j] = 1;
            op.apply(e, col);
            e[j] = 0;
            for (int i = 0; i < n; i++) {
                a[i][j] = col[i];
            }
        }
        return a;
    }

    /** Largest |a_ij - a_ji| relative to the largest |a_ij|. */
    public static double asymmetry(double[][] a) {
        double diff = 0;
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                diff = Math.max(diff, Math.abs(a[i][j] - a[j][i]));
                max = Math.max(max, Math.abs(a[i][j]));
            }
        }
        return max == 0 ? 0 : diff / max;
    }

    /** Full eigendecomposition of the symmetric part (a + a^T) / 2, values descending. */
    public static Eigen eigen(double[][] a) {
        int n = a.length;
        if (n > LIMIT) {
            throw new IllegalArgumentException("a dense eigendecomposition of order " + n + " is too large (limit "
                    + LIMIT + ")");
        }
        double[][] s = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s[i][j] = 0.5 * (a[i][j] + a[j][i]);
            }
        }
        EigenDecomposition ed = new EigenDecomposition(new Array2DRowRealMatrix(s, false));
        return sorted(ed, n);
    }

    /** Eigendecomposition of the symmetric tridiagonal matrix with this diagonal and off-diagonal. */
    static Eigen tridiagonal(double[] main, double[] off) {
        int n = main.length;
        if (n == 1) {
            return new Eigen(new double[] {main[0]}, new double[][] {{1}});
        }
        EigenDecomposition ed = new EigenDecomposition(main.clone(), Arrays.copyOf(off, n - 1));
        return sorted(ed, n);
    }

    private static Eigen sorted(EigenDecomposition ed, int n) {
        double[] raw = ed.getRealEigenvalues();
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> raw[i]).reversed());
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int k = 0; k < n; k++) {
            values[k] = raw[idx[k]];
            vectors[k] = ed.getEigenvector(idx[k]).toArray();
        }
        return new Eigen(values, vectors);
    }
}
