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
}
