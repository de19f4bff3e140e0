package dev.softalign.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * A path drawn over a surface on numeric axes, e.g. a training trajectory over its loss landscape:
 * the surface z[i][j] at (x[i], y[j]) as a heat map of filled cells centred on the grid points,
 * coloured on a log scale from dark (lowest) to light (highest) when all values are positive, and
 * the path (px[t], py[t]) with its value pz[t] as a line from its start to its end.
 */
public record PathOnSurface(String xLabel, String yLabel, double[] x, double[] y, double[][] z, double[] px,
        double[] py, double[] pz) implements Plot {

    /** Viridis at five stops: dark blue (low) to yellow (high). */
    private static final Color[] RAMP = {new Color(0x440154), new Color(0x3b528b), new Color(0x21918c),
        new Color(0x5ec962), new Color(0xfde725)};
    /** Colours named in the legend. */
    private static final int LEGEND_LEVELS = 5;

    public PathOnSurface {
        if (z.length != x.length) {
            throw new IllegalArgumentException("path on surface: z needs one row per x value (" + x.length + "), got "
                    + z.length);
        }
        for (double[] row : z) {
            if (row.length != y.length) {
                throw new IllegalArgumentException("path on surface: each row of z needs one value per y (" + y.length + ")");
            }
        }
        if (py.length != px.length || pz.length != px.length) {
            throw new IllegalArgumentException("path on surface: px, py and pz need the same length");
        }
    }

    /** One row per grid point (part "surface") then per path point (part "path"): part, x, y, z. */
    @Override
    public Table table() {
        StringColumn part = StringColumn.create("part");
        DoubleColumn xs = DoubleColumn.create("x");
        DoubleColumn ys = DoubleColumn.create("y");
        DoubleColumn zs = DoubleColumn.create("z");
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < y.length; j++) {
                part.append("surface");
                xs.append(x[i]);
                ys.append(y[j]);
                zs.append(z[i][j]);
            }
        }
        for (int t = 0; t < px.length; t++) {
            part.append("path");
            xs.append(px[t]);
            ys.append(py[t]);
            zs.append(pz[t]);
        }
        return Table.create("path-on-surface", part, xs, ys, zs);
    }

    @Override
    public XYChart chart(String title, int width, int height) {
        XYChart chart = Plot.xyChart(title, width, height, xLabel, yLabel, false);
        var styler = chart.getStyler();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        boolean log = lo > 0;
        double[] hx = halfSteps(x);
        double[] hy = halfSteps(y);
        styler.setXAxisMin(x[0] - hx[0]);
        styler.setXAxisMax(x[x.length - 1] + hx[x.length - 1]);
        styler.setYAxisMin(y[0] - hy[0]);
        styler.setYAxisMax(y[y.length - 1] + hy[y.length - 1]);
        // Legend entries first, so the cells drawn after them cover their one point.
        if (lo <= hi) {
            for (int k = 0; k < LEGEND_LEVELS; k++) {
                double f = (double) k / (LEGEND_LEVELS - 1);
                double v = log ? Math.exp(Math.log(lo) + f * (Math.log(hi) - Math.log(lo))) : lo + f * (hi - lo);
                XYSeries s = chart.addSeries(String.format(Locale.ROOT, "%.3g", v), new double[] {x[0]},
                        new double[] {y[0]});
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.SQUARE);
                s.setMarkerColor(ramp(f));
            }
        }
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < y.length; j++) {
                double v = z[i][j];
                Color c = !Double.isFinite(v) ? Color.LIGHT_GRAY
                        : ramp(hi == lo ? 0 : log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo));
                double x0 = x[i] - hx[i];
                double x1 = x[i] + hx[i];
                double y0 = y[j] - hy[j];
                double y1 = y[j] + hy[j];
                XYSeries cell = chart.addSeries("cell " + i + "," + j, new double[] {x0, x1, x1, x0},
                        new double[] {y0, y0, y1, y1});
                cell.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
                cell.setFillColor(c);
                cell.setLineColor(c);
                cell.setMarker(SeriesMarkers.NONE);
                cell.setShowInLegend(false);
            }
        }
        XYSeries path = chart.addSeries("path", px, py);
        path.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        path.setLineColor(Color.WHITE);
        path.setMarkerColor(Color.WHITE);
        path.setLineStyle(new BasicStroke(2.5f));
        path.setMarker(SeriesMarkers.CIRCLE);
        if (px.length > 0) {
            XYSeries start = chart.addSeries("start", new double[] {px[0]}, new double[] {py[0]});
            start.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            start.setMarker(SeriesMarkers.DIAMOND);
            start.setMarkerColor(new Color(0xd62728));
        }
        return chart;
    }

    /** Half the distance to the neighbouring grid point, per point (the cell's half width). */
    private static double[] halfSteps(double[] v) {
        double[] h = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double left = i > 0 ? v[i] - v[i - 1] : v.length > 1 ? v[1] - v[0] : 1;
            double right = i + 1 < v.length ? v[i + 1] - v[i] : left;
            h[i] = Math.min(left, right) / 2;
        }
        return h;
    }

    /** The colour at fraction f in [0, 1] of the ramp. */
    private static Color ramp(double f) {
        double u = Math.max(0, Math.min(1, f)) * (RAMP.length - 1);
        int k = Math.min((int) u, RAMP.length - 2);
        double t = u - k;
        Color a = RAMP[k];
        Color b = RAMP[k + 1];
        return new Color((int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }
}
