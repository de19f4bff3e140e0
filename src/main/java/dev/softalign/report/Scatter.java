package dev.softalign.report;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Scatter chart: one point per (x, y) pair, one colour per series; pairs with a non-finite value are not drawn. */
public record Scatter(String xLabel, String yLabel, List<Series> series) implements Plot {

    public Scatter {
        series = List.copyOf(series);
    }

    @Override
    public Table table() {
        StringColumn name = StringColumn.create("series");
        DoubleColumn x = DoubleColumn.create("x");
        DoubleColumn y = DoubleColumn.create("y");
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                name.append(s.name());
                x.append(s.x()[i]);
                y.append(s.y()[i]);
            }
        }
        return Table.create("scatter", name, x, y);
    }

    @Override
    public XYChart chart(String title, int width, int height) {
        XYChart chart = Plot.xyChart(title, width, height, xLabel, yLabel, true);
        int index = 0;
        for (Series s : series) {
            int n = 0;
            for (int i = 0; i < s.x().length; i++) {
                n += Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]) ? 1 : 0;
            }
            double[] px = new double[n];
            double[] py = new double[n];
            for (int i = 0, k = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    px[k] = s.x()[i];
                    py[k++] = s.y()[i];
                }
            }
            if (n > 0) {
                XYSeries points = chart.addSeries(s.name(), px, py);
                points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                points.setMarker(SeriesMarkers.CIRCLE);
                points.setMarkerColor(Palette.color(index));
            }
            index++;
        }
        return chart;
    }
}
