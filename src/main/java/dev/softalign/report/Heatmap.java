package dev.softalign.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

/** A value on a 2D grid, e.g. a loss landscape: z[iy][ix] at (x[ix], y[iy]). */
public record Heatmap(String xLabel, String yLabel, String zLabel, double[] x, double[] y, double[][] z) implements Plot {

    public Heatmap {
        if (z.length != y.length) {
            throw new IllegalArgumentException("heatmap: z needs one row per y value (" + y.length + "), got " + z.length);
        }
        for (double[] row : z) {
            if (row.length != x.length) {
                throw new IllegalArgumentException("heatmap: each row of z needs one value per x (" + x.length + ")");
            }
        }
    }

    @Override
    public Table table() {
        DoubleColumn xs = DoubleColumn.create("x");
        DoubleColumn ys = DoubleColumn.create("y");
        DoubleColumn zs = DoubleColumn.create(zLabel == null || zLabel.isBlank() ? "z" : zLabel);
        for (int iy = 0; iy < y.length; iy++) {
            for (int ix = 0; ix < x.length; ix++) {
                xs.append(x[ix]);
                ys.append(y[iy]);
                zs.append(z[iy][ix]);
            }
        }
        return Table.create("heatmap", xs, ys, zs);
    }

    @Override
    public HeatMapChart chart(String title, int width, int height) {
        HeatMapChart chart = new HeatMapChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setShowValue(false);
        List<String> xs = labels(x);
        List<String> ys = labels(y);
        List<Number[]> cells = new ArrayList<>();
        for (int iy = 0; iy < y.length; iy++) {
            for (int ix = 0; ix < x.length; ix++) {
                if (Double.isFinite(z[iy][ix])) {
                    cells.add(new Number[] {ix, iy, z[iy][ix]});
                }
            }
        }
        chart.addSeries(zLabel == null ? "z" : zLabel, xs, ys, cells);
        return chart;
    }

    private static List<String> labels(double[] v) {
        List<String> out = new ArrayList<>();
        for (double d : v) {
            out.add(String.format(Locale.ROOT, "%.3g", d));
        }
        return out;
    }
}
