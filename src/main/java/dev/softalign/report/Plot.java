package dev.softalign.report;

import org.knowm.xchart.internal.chartpart.Chart;
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
}
