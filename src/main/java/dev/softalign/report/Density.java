package dev.softalign.report;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

/**
 * Densities of weighted points (e.g. Hessian eigenvalues with their quadrature weights) as
 * Gaussian-smoothed curves over a shared grid. Each sample's weights are normalised to sum 1, so
 * every curve integrates to 1.
 */
public record Density(String xLabel, List<Sample> samples, double bandwidth, int points) implements Plot {

    /** Points with weights (null: equal weights). */
    public record Sample(String name, double[] values, double[] weights) {
    }

    public Density {
        samples = List.copyOf(samples);
        if (points < 2) {
            throw new IllegalArgumentException("density: need at least 2 grid points");
        }
    }

    /** Bandwidth 0 picks Silverman's rule from the pooled points. */
    public Density(String xLabel, List<Sample> samples) {
        this(xLabel, samples, 0, 200);
    }

    /** The smoothed curves; this is what gets drawn and written to the CSV. */
    public Lines lines() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<Double> pooled = new ArrayList<>();
        for (Sample s : samples) {
            for (double v : s.values()) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                    pooled.add(v);
                }
            }
        }
        if (pooled.isEmpty()) {
            return new Lines(xLabel, "density", List.of());
        }
        double h = bandwidth > 0 ? bandwidth : silverman(pooled.stream().mapToDouble(Double::doubleValue).toArray(), hi - lo);
        // Grid ends on round numbers, so that the axis ticks are round too.
        double step = niceStep((hi - lo + 6 * h) / 10);
        lo = Math.floor((lo - 3 * h) / step) * step;
        hi = Math.ceil((hi + 3 * h) / step) * step;
        // One extra point half a step in: XChart puts ticks on the data values of an equally spaced
        // x axis (odd numbers for a fine grid), and round ticks on any other.
        double[] grid = new double[points + 1];
        grid[0] = lo;
        grid[1] = lo + 0.5 * (hi - lo) / (points - 1);
        for (int i = 1; i < points; i++) {
            grid[i + 1] = lo + (hi - lo) * i / (points - 1);
        }
        List<Series> curves = new ArrayList<>();
        for (Sample s : samples) {
            curves.add(Series.of(s.name(), grid, kde(s, grid, h)));
        }
        return new Lines(xLabel, "density", curves);
    }

    /** 1, 2 or 5 times a power of ten, at least x. */
    static double niceStep(double x) {
        double p = Math.pow(10, Math.floor(Math.log10(x)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= x) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static double silverman(double[] v, double range) {
        double sd = Stats.sd(v);
        double h = 1.06 * sd * Math.pow(v.length, -0.2);
        return h > 0 ? h : (range > 0 ? range / 50 : 1.0);
    }

    static double[] kde(Sample s, double[] grid, double h) {
        double[] v = s.values();
        double total = 0;
        for (int i = 0; i < v.length; i++) {
            if (Double.isFinite(v[i])) {
                total += s.weights() == null ? 1 : s.weights()[i];
            }
        }
        double[] out = new double[grid.length];
        double norm = 1 / (h * Math.sqrt(2 * Math.PI) * total);
        for (int g = 0; g < grid.length; g++) {
            double sum = 0;
            for (int i = 0; i < v.length; i++) {
                if (Double.isFinite(v[i])) {
                    double u = (grid[g] - v[i]) / h;
                    sum += (s.weights() == null ? 1 : s.weights()[i]) * Math.exp(-0.5 * u * u);
                }
            }
            out[g] = sum * norm;
        }
        return out;
    }

    @Override
    public Table table() {
        return lines().table();
    }

    @Override
    public XYChart chart(String title, int width, int height) {
        return lines().chart(title, width, height);
    }
}
