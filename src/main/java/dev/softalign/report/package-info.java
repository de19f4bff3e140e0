/**
 * Charts, tables and HTML reports. Computing numbers is separate from drawing them: a
 * {@link dev.softalign.report.Plot} is plain data ({@link dev.softalign.report.Lines} of
 * {@link dev.softalign.report.Series} x/y/err, {@link dev.softalign.report.Bars},
 * {@link dev.softalign.report.Heatmap}, {@link dev.softalign.report.Density},
 * {@link dev.softalign.report.PathOnSurface}, {@link dev.softalign.report.Scatter}); a
 * {@link dev.softalign.report.Figure} names it and says what it shows; a
 * {@link dev.softalign.report.Report} writes index.html (offline, inline CSS, no scripts) with
 * one PNG or SVG per figure and its data as CSV beside it, atomically. An analysis plugs in by
 * turning its result into one of the plot records, e.g. a Hessian spectrum (eigenvalues and SLQ
 * weights) into a Density sample, a loss landscape grid into a Heatmap, accuracy against epsilon
 * into Lines.
 */
package dev.softalign.report;
