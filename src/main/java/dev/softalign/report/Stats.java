package dev.softalign.report;

import java.util.Arrays;
import java.util.SplittableRandom;

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

    /**
     * Spearman's rank correlation of the pairs where both values are finite: Pearson's correlation
     * of their ranks, tied values sharing their mean rank; NaN with fewer than 3 pairs or when
     * either side is constant.
     */
    public static double spearman(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("spearman needs pairs, got " + x.length + " and " + y.length + " values");
        }
        int n = 0;
        double[] fx = new double[x.length];
        double[] fy = new double[y.length];
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                fx[n] = x[i];
                fy[n] = y[i];
                n++;
            }
        }
        if (n < 3) {
            return Double.NaN;
        }
        return pearson(ranks(Arrays.copyOf(fx, n)), ranks(Arrays.copyOf(fy, n)));
    }

    /** Ranks 1..n, ties getting the mean of the ranks they span. */
    static double[] ranks(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[v.length];
        for (int i = 0; i < v.length;) {
            int j = i;
            while (j + 1 < v.length && v[order[j + 1]] == v[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[order[k]] = rank;
            }
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx == 0 || syy == 0 ? Double.NaN : sxy / Math.sqrt(sxx * syy);
    }

    /**
     * Percentile bootstrap 95% interval of Spearman's correlation: the pairs resampled with
     * replacement resamples times (seeded, so the same data give the same interval), the 2.5th and
     * 97.5th percentiles of the finite resampled correlations; {NaN, NaN} if fewer than 3 pairs.
     */
    public static double[] spearmanCi(double[] x, double[] y, int resamples, long seed) {
        if (Double.isNaN(spearman(x, y))) {
            return new double[] {Double.NaN, Double.NaN};
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] bx = new double[x.length];
        double[] by = new double[y.length];
        double[] stats = new double[resamples];
        int m = 0;
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < x.length; i++) {
                int k = rng.nextInt(x.length);
                bx[i] = x[k];
                by[i] = y[k];
            }
            double r = spearman(bx, by);
            if (!Double.isNaN(r)) {
                stats[m++] = r;
            }
        }
        if (m == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double[] sorted = Arrays.copyOf(stats, m);
        Arrays.sort(sorted);
        return new double[] {percentile(sorted, 0.025), percentile(sorted, 0.975)};
    }

    /** Linear interpolation between order statistics of a sorted array. */
    static double percentile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
