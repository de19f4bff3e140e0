package dev.softalign.analysis;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.ojalgo.matrix.decomposition.Eigenvalue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

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

    /**
     * Full eigendecomposition of the symmetric part (a + a^T) / 2, values descending. ojalgo's
     * symmetric solver (3.6 s at n = 1500, 3.4x faster than commons-math; n = 5000 takes minutes).
     */
    public static Eigen eigen(double[][] a) {
        int n = a.length;
        if (n > LIMIT) {
            throw new IllegalArgumentException("a dense eigendecomposition of order " + n + " is too large (limit "
                    + LIMIT + ")");
        }
        R064Store s = R064Store.FACTORY.make(n, n);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                s.data[i + j * n] = 0.5 * (a[i][j] + a[j][i]);
            }
        }
        Eigenvalue<Double> ed = Eigenvalue.R064.make(n, true);
        if (!ed.decompose(s)) {
            throw new IllegalStateException("the symmetric eigendecomposition did not converge");
        }
        MatrixStore<Double> d = ed.getD();
        MatrixStore<Double> v = ed.getV();
        double[] raw = new double[n];
        for (int i = 0; i < n; i++) {
            raw[i] = d.doubleValue(i, i);
        }
        Integer[] idx = order(raw);
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            values[k] = raw[idx[k]];
            for (int i = 0; i < n; i++) {
                vectors[k][i] = v.doubleValue(i, idx[k]);
            }
        }
        return new Eigen(values, vectors);
    }

    /** Indices of values in descending order. */
    private static Integer[] order(double[] raw) {
        Integer[] idx = new Integer[raw.length];
        for (int i = 0; i < raw.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, Comparator.comparingDouble((Integer i) -> raw[i]).reversed());
        return idx;
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
        Integer[] idx = order(raw);
        double[] values = new double[n];
        double[][] vectors = new double[n][];
        for (int k = 0; k < n; k++) {
            values[k] = raw[idx[k]];
            vectors[k] = ed.getEigenvector(idx[k]).toArray();
        }
        return new Eigen(values, vectors);
    }
}
