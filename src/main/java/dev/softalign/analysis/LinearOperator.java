package dev.softalign.analysis;

/**
 * A symmetric linear operator known only through its action on vectors. The eigen-solvers, the
 * trace estimator and the spectral density work on this, so they are tested on operators with a
 * known spectrum (a diagonal matrix) and run unchanged on a network's Hessian.
 */
public interface LinearOperator {

    int dimension();

    /** out = A in; out is overwritten and must not alias in. */
    void apply(double[] in, double[] out);

    /** A v as a new array. */
    default double[] times(double[] v) {
        double[] out = new double[dimension()];
        apply(v, out);
        return out;
    }

    /** The diagonal operator diag(d): a test oracle with a spectrum known exactly. */
    static LinearOperator diagonal(double... d) {
        double[] diag = d.clone();
        return new LinearOperator() {
            @Override
            public int dimension() {
                return diag.length;
            }

            @Override
            public void apply(double[] in, double[] out) {
                for (int i = 0; i < diag.length; i++) {
                    out[i] = diag[i] * in[i];
                }
            }
        };
    }

    /** The operator of an explicit dense symmetric matrix (rows of a). */
    static LinearOperator dense(double[][] a) {
        return new LinearOperator() {
            @Override
            public int dimension() {
                return a.length;
            }

            @Override
            public void apply(double[] in, double[] out) {
                for (int i = 0; i < a.length; i++) {
                    double s = 0;
                    double[] row = a[i];
                    for (int j = 0; j < row.length; j++) {
                        s += row[j] * in[j];
                    }
                    out[i] = s;
                }
            }
        };
    }
}
