package dev.softalign.nn;

/** Small dense-vector helpers on plain arrays; fixed summation order keeps results reproducible. */
public final class Vectors {

    private Vectors() {
    }

    public static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    public static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    public static void scale(double[] a, double factor) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= factor;
        }
    }

    /** The smallest value of a grid of rows (a loss surface); +infinity if it has none. */
    public static double min(double[][] grid) {
        return fold(grid, Double.POSITIVE_INFINITY, Math::min);
    }

    /** The largest value of a grid of rows; -infinity if it has none. */
    public static double max(double[][] grid) {
        return fold(grid, Double.NEGATIVE_INFINITY, Math::max);
    }

    /** op folded over every value of the grid, row after row, from start. */
    private static double fold(double[][] grid, double start, java.util.function.DoubleBinaryOperator op) {
        double m = start;
        for (double[] row : grid) {
            for (double v : row) {
                m = op.applyAsDouble(m, v);
            }
        }
        return m;
    }

    /** y += alpha * x */
    public static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    /**
     * out[r] = the sum of row r of the column-major m, for rows [from, to), its columns added in
     * order (a bias gradient: the same bits whichever rows a caller's part takes).
     */
    public static void rowSums(org.ojalgo.matrix.store.R064Store m, double[] out, int from, int to) {
        int rows = m.getRowDim();
        java.util.Arrays.fill(out, from, to, 0);
        double[] d = m.data;
        for (int j = 0, o = 0; j < m.getColDim(); j++, o += rows) {
            for (int k = from; k < to; k++) {
                out[k] += d[o + k];
            }
        }
    }

    /** Cosine of the angle between a and b; 0 when either is zero. */
    public static double cosine(double[] a, double[] b) {
        double na = norm(a);
        double nb = norm(b);
        return na == 0 || nb == 0 ? 0 : dot(a, b) / (na * nb);
    }

    /**
     * Angle between a and b in degrees, as 2 atan2(|u - v|, |u + v|) of the unit vectors: acos of
     * the cosine loses half the digits near 0 and 180 degrees, where alignment angles often are.
     * 90 when either vector is zero.
     */
    public static double angleDegrees(double[] a, double[] b) {
        double na = norm(a);
        double nb = norm(b);
        if (na == 0 || nb == 0) {
            return 90;
        }
        double minus = 0;
        double plus = 0;
        for (int i = 0; i < a.length; i++) {
            double u = a[i] / na;
            double v = b[i] / nb;
            minus += (u - v) * (u - v);
            plus += (u + v) * (u + v);
        }
        return Math.toDegrees(2 * Math.atan2(Math.sqrt(minus), Math.sqrt(plus)));
    }
}
