package dev.softalign.report;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Line chart: one line per series, with a translucent band of y +- err where a series has errors. */
public record Lines(String xLabel, String yLabel, List<Series> series, boolean logY) implements Plot {

    public Lines {
        series = List.copyOf(series);
    }

    public Lines(String xLabel, String yLabel, List<Series> series) {
        this(xLabel, yLabel, series, false);
    }

    public Lines logY(boolean v) {
        return new Lines(xLabel, yLabel, series, v);
    }

    @Override
    public Table table() {
        StringColumn name = StringColumn.create("series");
        DoubleColumn x = DoubleColumn.create("x");
        DoubleColumn y = DoubleColumn.create("y");
        DoubleColumn err = DoubleColumn.create("err");
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                name.append(s.name());
                x.append(s.x()[i]);
                y.append(s.y()[i]);
                err.append(s.hasError() ? s.err()[i] : Double.NaN);
            }
        }
        return Table.create("lines", name, x, y, err);
    }

    @Override
    public XYChart chart(String title, int width, int height) {
        XYChart chart = Plot.xyChart(title, width, height, xLabel, yLabel, true);
        var styler = chart.getStyler();
        styler.setYAxisLogarithmic(logY);
        // Label the 2x, 5x... ticks too: losses often span less than a decade.
        styler.setYAxisLogarithmicDecadeOnly(false);
        int index = 0;
        for (Series s : series) {
            if (s.hasError()) {
                band(chart, s, index);
            }
            index++;
        }
        index = 0;
        for (Series s : series) {
            XYSeries line = chart.addSeries(s.name(), s.x(), chartY(s.y()));
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setLineColor(Palette.color(index));
            line.setMarkerColor(Palette.color(index));
            line.setLineStyle(new BasicStroke(2f));
            line.setMarker(s.x().length <= 30 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            index++;
        }
        return chart;
    }

    /** On a log axis non-positive values cannot be drawn; they become gaps like NaN. */
    private double[] chartY(double[] y) {
        if (!logY) {
            return y;
        }
        double[] out = y.clone();
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] > 0)) {
                out[i] = Double.NaN;
            }
        }
        return out;
    }

    /** The band y +- err as a closed polygon over the finite points, behind the line. */
    private void band(XYChart chart, Series s, int index) {
        List<Double> xs = new ArrayList<>();
        List<Double> lo = new ArrayList<>();
        List<Double> hi = new ArrayList<>();
        for (int i = 0; i < s.x().length; i++) {
            double y = s.y()[i];
            double e = s.err()[i];
            if (Double.isFinite(y) && Double.isFinite(e) && (!logY || y - e > 0)) {
                xs.add(s.x()[i]);
                lo.add(y - e);
                hi.add(y + e);
            }
        }
        if (xs.size() < 2) {
            return;
        }
        int n = xs.size();
        double[] px = new double[2 * n];
        double[] py = new double[2 * n];
        for (int i = 0; i < n; i++) {
            px[i] = xs.get(i);
            py[i] = hi.get(i);
            px[2 * n - 1 - i] = xs.get(i);
            py[2 * n - 1 - i] = lo.get(i);
        }
        XYSeries band = chart.addSeries(s.name() + " \u00b1 sd", px, py);
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        band.setFillColor(Palette.translucent(index, 60));
        band.setLineColor(Palette.translucent(index, 0));
        band.setMarker(SeriesMarkers.NONE);
        band.setShowInLegend(false);
    }
}
