package dev.softalign.experiment;

import java.util.Locale;

/** Number formats for report text and tables. */
final class Fmt {

    private Fmt() {
    }

    /** An accuracy in [0,1] as percent with one decimal, e.g. "84.3%". */
    static String pct(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f%%", 100 * v) : "n/a";
    }

    /** A difference of accuracies in percentage points. */
    static String points(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f points", 100 * v) : "n/a";
    }

    static String num(double v) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "n/a" : (v > 0 ? "inf" : "-inf");
        }
        return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v != 0) ? String.format(Locale.ROOT, "%.3g", v)
                : String.format(Locale.ROOT, "%.4g", v);
    }
}
