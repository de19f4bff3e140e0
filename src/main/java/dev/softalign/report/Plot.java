package dev.softalign.report;

import java.awt.Color;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.Table;

/**
 * The data of one chart, separate from how it is drawn: {@link #table()} is what goes to the
 * CSV beside the image, {@link #chart} draws it. Analyses (Hessian spectra, attacks, ...) only
 * need to produce one of these data objects to get a figure.
 */
public sealed interface Plot permits Lines, Bars, Heatmap, Density, PathOnSurface, Scatter {

    /** The plotted numbers, one row per point, for the CSV file next to the image. */
    Table table();

    /** A fresh XChart chart of the given size in pixels. */
    Chart<?, ?> chart(String title, int width, int height);

    /** An empty x-y chart in the house style (white, legend outside on the right, grid lines as asked). */
    static XYChart xyChart(String title, int width, int height, String xLabel, String yLabel, boolean grid) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        var styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesVisible(grid);
        return chart;
    }
}
