package dev.softalign.report;

import java.util.Arrays;

/**
 * One named curve: y against x, with an optional error (drawn as a band y +- err, e.g. the
 * standard deviation over seeds). NaN entries are gaps (a diverged cell), not zeros.
 */
public record Series(String name, double[] x, double[] y, double[] err) {

    public Series {
        if (x.length != y.length || (err != null && err.length != y.length)) {
            throw new IllegalArgumentException("series '" + name + "': x, y and err must have the same length, got "
                    + x.length + ", " + y.length + (err == null ? "" : ", " + err.length));
        }
    }

    public static Series of(String name, double[] x, double[] y) {
        return new Series(name, x, y, null);
    }

    /** x = 0, 1, 2, ... (e.g. epochs). */
    public static Series indexed(String name, double[] y) {
        double[] x = new double[y.length];
        Arrays.setAll(x, i -> i);
        return new Series(name, x, y, null);
    }

    /** Mean and sample standard deviation over rows (e.g. seeds) at each x; NaN rows are left out. */
    public static Series meanSd(String name, double[] x, double[][] rows) {
        double[] mean = new double[x.length];
        double[] sd = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            double[] column = new double[rows.length];
            for (int r = 0; r < rows.length; r++) {
                column[r] = j < rows[r].length ? rows[r][j] : Double.NaN;
            }
            mean[j] = Stats.mean(column);
            sd[j] = Stats.sd(column);
        }
        return new Series(name, x, mean, sd);
    }

    public boolean hasError() {
        return err != null;
    }
}
