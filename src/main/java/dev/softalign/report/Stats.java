package dev.softalign.report;

import java.util.Arrays;

/** Summary statistics that skip NaN (a diverged cell has no accuracy; it is counted, not averaged in). */
public final class Stats {

    private Stats() {
    }

    public static double[] finite(double[] v) {
        return Arrays.stream(v).filter(Double::isFinite).toArray();
    }

    /** Mean of the finite values; NaN if there are none. */
    public static double mean(double[] v) {
        double[] f = finite(v);
        if (f.length == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (double d : f) {
            s += d;
        }
        return s / f.length;
    }

    /** Sample standard deviation (n - 1) of the finite values; 0 for one value, NaN for none. */
    public static double sd(double[] v) {
        double[] f = finite(v);
        if (f.length == 0) {
            return Double.NaN;
        }
        if (f.length == 1) {
            return 0;
        }
        double m = mean(f);
        double s = 0;
        for (double d : f) {
            s += (d - m) * (d - m);
        }
        return Math.sqrt(s / (f.length - 1));
    }

    /**
     * Half-width of the 95 % Student-t confidence interval of the mean of the finite values
     * (t_{0.975, n-1} sd / sqrt(n)); NaN for fewer than two.
     */
    public static double ci95(double[] v) {
        double[] f = finite(v);
        if (f.length < 2) {
            return Double.NaN;
        }
        return tQuantile(f.length - 1) * sd(f) / Math.sqrt(f.length);
    }

    /**
     * Half-width of the 95 % confidence interval of mean(a) - mean(b) (Welch: unequal variances,
     * Welch-Satterthwaite degrees of freedom); NaN unless both have two finite values or more.
     */
    public static double welchCi95(double[] a, double[] b) {
        double[] x = finite(a);
        double[] y = finite(b);
        if (x.length < 2 || y.length < 2) {
            return Double.NaN;
        }
        double vx = sd(x) * sd(x) / x.length;
        double vy = sd(y) * sd(y) / y.length;
        double se = Math.sqrt(vx + vy);
        if (se == 0) {
            return 0;
        }
        double df = (vx + vy) * (vx + vy) / (vx * vx / (x.length - 1) + vy * vy / (y.length - 1));
        return tQuantile(df) * se;
    }

    /** The 0.975 quantile of Student's t with df degrees of freedom. */
    static double tQuantile(double df) {
        return new org.apache.commons.math3.distribution.TDistribution(null, df).inverseCumulativeProbability(0.975);
    }
}
