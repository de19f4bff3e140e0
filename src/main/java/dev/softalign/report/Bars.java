package dev.softalign.report;

import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Grouped bar chart: one bar per (category, group), with error bars where a group has errors. */
public record Bars(String xLabel, String yLabel, List<String> categories, List<Group> groups) implements Plot {

    /** One colour of bars: a value per category, optional error per category (NaN: no bar). */
    public record Group(String name, double[] values, double[] err) {
    }

    public Bars {
        categories = List.copyOf(categories);
        groups = List.copyOf(groups);
        for (Group g : groups) {
            if (g.values().length != categories.size() || (g.err() != null && g.err().length != categories.size())) {
                throw new IllegalArgumentException("bar group '" + g.name() + "' needs one value per category ("
                        + categories.size() + ")");
            }
        }
    }

    @Override
    public Table table() {
        StringColumn group = StringColumn.create("group");
        StringColumn category = StringColumn.create("category");
        DoubleColumn value = DoubleColumn.create("value");
        DoubleColumn err = DoubleColumn.create("err");
        for (Group g : groups) {
            for (int i = 0; i < categories.size(); i++) {
                group.append(g.name());
                category.append(categories.get(i));
                value.append(g.values()[i]);
                err.append(g.err() == null ? Double.NaN : g.err()[i]);
            }
        }
        return Table.create("bars", group, category, value, err);
    }

    @Override
    public CategoryChart chart(String title, int width, int height) {
        CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setErrorBarsColorSeriesColor(true);
        int index = 0;
        for (Group g : groups) {
            // XChart cannot draw a missing bar; a NaN (no data) is drawn as zero height, the CSV keeps NaN.
            List<Double> v = new ArrayList<>();
            List<Double> e = new ArrayList<>();
            for (int i = 0; i < categories.size(); i++) {
                v.add(Double.isFinite(g.values()[i]) ? g.values()[i] : 0.0);
                double err = g.err() == null ? 0 : g.err()[i];
                e.add(Double.isFinite(err) ? err : 0.0);
            }
            CategorySeries s = g.err() == null ? chart.addSeries(g.name(), categories, v)
                    : chart.addSeries(g.name(), categories, v, e);
            s.setFillColor(Palette.color(index++));
        }
        return chart;
    }
}
