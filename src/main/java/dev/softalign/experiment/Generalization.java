package dev.softalign.experiment;

import dev.softalign.learn.EpochMetrics;
import dev.softalign.report.Figure;
import dev.softalign.report.Report;
import dev.softalign.report.Scatter;
import dev.softalign.report.Series;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import dev.softalign.report.VerdictRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Claim 4 read as "flatter minima, better generalization": every trained cell is a point, its
 * generalization gap against each measure of its {@link FlatnessProbe}, ranked by Spearman's
 * correlation with a percentile bootstrap 95% interval. The flatness experiment reads it over its
 * own cells; {@link Reproduce} over every stored cell of every experiment, pooled and within each
 * experiment (cells of different depths and epochs differ in more than flatness, so the reader
 * sees whether the pooled correlation is driven by the pooling).
 */
final class Generalization {

    /** Bootstrap resamples of the cells for the intervals (seeded: the same cells, the same interval). */
    static final int RESAMPLES = 2000;
    /** The scope label of the correlation over all cells together. */
    static final String POOLED = "pooled";

    private Generalization() {
    }

    /**
     * One cell: where it comes from, its gaps (NaN when it has no probe: diverged, or stored by
     * older code) and its flatness.
     */
    record Row(String experiment, String cell, String condition, int depth, long seed, double gapAccuracy,
            double gapLoss, double topEigenvalue, double trace, double sharpness) {

        boolean probed() {
            return Double.isFinite(topEigenvalue);
        }
    }

    /**
     * The rows of an experiment's results (null results, cells not computed, left out): accuracy
     * gap = subset accuracy minus final test accuracy, loss gap = final test loss minus subset loss.
     */
    static List<Row> rows(String experiment, List<? extends CellResult<?>> results) {
        List<Row> out = new ArrayList<>();
        for (CellResult<?> r : results) {
            if (r == null) {
                continue;
            }
            FlatnessProbe p = r.diverged() ? null : r.probe;
            EpochMetrics last = r.last();
            boolean ok = p != null && last != null;
            out.add(new Row(experiment, r.id, r.group(), r.config.depth, r.config.seed,
                    ok ? p.subsetAccuracy() - last.testAccuracy() : Double.NaN,
                    ok ? last.testLoss() - p.subsetLoss() : Double.NaN, ok ? p.topEigenvalue() : Double.NaN,
                    ok ? p.trace() : Double.NaN, ok ? p.sharpness() : Double.NaN));
        }
        return out;
    }

    /** The flatness measures cells are ranked by. */
    enum Measure {
        TOP("top eigenvalue", Row::topEigenvalue),
        TRACE("trace", Row::trace),
        SHARPNESS("sharpness", Row::sharpness);

        final String label;
        final ToDoubleFunction<Row> of;

        Measure(String label, ToDoubleFunction<Row> of) {
            this.label = label;
            this.of = of;
        }
    }

    /** Generalization gaps, oriented so that larger is worse. */
    enum Gap {
        ACCURACY("accuracy gap", Row::gapAccuracy),
        LOSS("loss gap", Row::gapLoss);

        final String label;
        final ToDoubleFunction<Row> of;

        Gap(String label, ToDoubleFunction<Row> of) {
            this.label = label;
            this.of = of;
        }
    }

    /** Spearman's correlation of a measure with a gap over some rows, its bootstrap 95% interval and the pairs used. */
    record Correlation(String scope, Measure measure, Gap gap, double rho, double low, double high, int cells) {

        static Correlation of(String scope, List<Row> rows, Measure measure, Gap gap) {
            double[] x = rows.stream().mapToDouble(measure.of).toArray();
            double[] y = rows.stream().mapToDouble(gap.of).toArray();
            int n = 0;
            for (int i = 0; i < x.length; i++) {
                n += Double.isFinite(x[i]) && Double.isFinite(y[i]) ? 1 : 0;
            }
            double[] ci = Stats.spearmanCi(x, y, RESAMPLES, 1);
            return new Correlation(scope, measure, gap, Stats.spearman(x, y), ci[0], ci[1], n);
        }

        /** Flatter (a smaller measure) goes with a smaller gap, beyond the interval's reach of zero. */
        boolean supports() {
            return low > 0;
        }

        @Override
        public String toString() {
            return gap.label + " vs " + measure.label + ": rho " + Fmt.num(rho) + " [" + Fmt.num(low) + ", "
                    + Fmt.num(high) + "]";
        }
    }

    /** Every gap against every measure over the rows, under one scope label. */
    static List<Correlation> correlations(String scope, List<Row> rows) {
        List<Correlation> out = new ArrayList<>();
        for (Gap g : Gap.values()) {
            for (Measure m : Measure.values()) {
                out.add(Correlation.of(scope, rows, m, g));
            }
        }
        return out;
    }

    /** The rows by experiment, in order of first appearance. */
    static Map<String, List<Row>> byExperiment(List<Row> rows) {
        Map<String, List<Row>> out = new LinkedHashMap<>();
        for (Row r : rows) {
            out.computeIfAbsent(r.experiment(), k -> new ArrayList<>()).add(r);
        }
        return out;
    }

    /** The correlations pooled over all rows, then within each experiment when there is more than one. */
    static List<Correlation> pooledAndWithin(List<Row> rows) {
        List<Correlation> out = new ArrayList<>(correlations(POOLED, rows));
        Map<String, List<Row>> by = byExperiment(rows);
        if (by.size() > 1) {
            by.forEach((e, rs) -> out.addAll(correlations(e, rs)));
        }
        return out;
    }

    static Table correlationTable(List<Correlation> correlations) {
        StringColumn scope = StringColumn.create("cells");
        StringColumn gap = StringColumn.create("gap");
        StringColumn measure = StringColumn.create("flatness measure");
        DoubleColumn rho = DoubleColumn.create("spearman");
        DoubleColumn low = DoubleColumn.create("ci95_low");
        DoubleColumn high = DoubleColumn.create("ci95_high");
        IntColumn cells = IntColumn.create("pairs");
        for (Correlation c : correlations) {
            scope.append(c.scope());
            gap.append(c.gap().label);
            measure.append(c.measure().label);
            rho.append(c.rho());
            low.append(c.low());
            high.append(c.high());
            cells.append(c.cells());
        }
        return Table.create("generalization", scope, gap, measure, rho, low, high, cells);
    }

    /** One row per cell: the numbers behind the correlations (empty where a cell has no probe). */
    static Table rowTable(String name, List<Row> rows) {
        StringColumn experiment = StringColumn.create("experiment");
        StringColumn cell = StringColumn.create("cell");
        StringColumn condition = StringColumn.create("condition");
        IntColumn depth = IntColumn.create("depth");
        IntColumn seed = IntColumn.create("seed");
        DoubleColumn accGap = DoubleColumn.create("gap_accuracy");
        DoubleColumn lossGap = DoubleColumn.create("gap_loss");
        DoubleColumn top = DoubleColumn.create("top_eigenvalue");
        DoubleColumn trace = DoubleColumn.create("trace");
        DoubleColumn sharp = DoubleColumn.create("sharpness");
        for (Row r : rows) {
            experiment.append(r.experiment());
            cell.append(r.cell());
            condition.append(r.condition());
            depth.append(r.depth());
            seed.append((int) r.seed());
            accGap.append(r.gapAccuracy());
            lossGap.append(r.gapLoss());
            top.append(r.topEigenvalue());
            trace.append(r.trace());
            sharp.append(r.sharpness());
        }
        return Table.create(name, experiment, cell, condition, depth, seed, accGap, lossGap, top, trace, sharp);
    }

    /** Accuracy gap against a measure, one colour per experiment. */
    static Figure scatter(List<Row> rows, Measure m) {
        List<Series> series = new ArrayList<>();
        byExperiment(rows).forEach((e, rs) -> series.add(Series.of(e, rs.stream().mapToDouble(m.of).toArray(),
                rs.stream().mapToDouble(r -> 100 * r.gapAccuracy()).toArray())));
        return new Figure("gap-vs-" + m.label.replace(' ', '-'), "Generalization gap against " + m.label,
                "One point per trained cell with a probe: train-subset accuracy minus test accuracy (points) against "
                        + "the cell's " + m.label + ", coloured by experiment.",
                new Scatter(m.label, "accuracy gap (points)", series));
    }

    static final String TITLE = "Claim 4 across all cells: flatter minima, better generalization";

    static final String CLAIM = "4. Flatter minima go with better generalization (generalization gap against flatness, "
            + "across cells)";

    /**
     * The verdict on the pooled correlations of the rows: yes when every gap rises with every
     * measure (interval above 0), partly when some do; the rule says what was pooled.
     */
    static Verdict verdict(List<Row> rows, String pooled) {
        VerdictRule rule = VerdictRule.allOf("Spearman rank correlations pooled over " + pooled + ", with percentile "
                + "bootstrap 95% intervals (" + RESAMPLES + " resamples of the cells)");
        StringBuilder m = new StringBuilder();
        boolean decidable = true;
        int cells = 0;
        for (Correlation c : correlations(POOLED, rows)) {
            rule.criterion("the " + c.gap().label + " rises with the " + c.measure().label + " (interval above 0)",
                    c.supports());
            decidable &= Double.isFinite(c.low());
            cells = Math.max(cells, c.cells());
            m.append(m.length() == 0 ? "" : "; ").append(c);
        }
        m.append("; ").append(cells).append(" cells");
        return rule.decidableIf(decidable).verdict(CLAIM, m.toString());
    }

    static String method() {
        return "Every trained cell carries a flatness probe on the first analysis-subset samples of its training set: "
                + "the top Hessian eigenvalue (Lanczos, tolerance " + FlatnessProbe.TOL + ", at most "
                + FlatnessProbe.MAX_STEPS + " steps), the trace (Hutch++, sketch " + FlatnessProbe.TRACE_SKETCH
                + " columns and " + FlatnessProbe.TRACE_MAX + " Rademacher probes) and Keskar's epsilon-sharpness ("
                + FlatnessProbe.SHARPNESS_STEPS + " ascent steps); budgets kept small so the probe costs little next to "
                + "training the cell. "
                + "Accuracy gap: accuracy on that subset minus final test accuracy; loss gap: final test loss minus the "
                + "subset's loss; larger is worse generalization. Spearman rank correlation of each gap with each "
                + "measure, with its percentile bootstrap 95% interval (" + RESAMPLES + " resamples of the cells).";
    }

    /**
     * The report across all cells of the experiments run into one folder, or null without rows:
     * the per-cell CSV, the pooled and within-experiment correlations, a scatter per measure and
     * the verdict on the pooled correlations.
     */
    static Report report(List<Row> rows, String preset) {
        if (rows.isEmpty()) {
            return null;
        }
        List<String> experiments = new ArrayList<>(new LinkedHashSet<>(rows.stream().map(Row::experiment).toList()));
        long unprobed = rows.stream().filter(r -> !r.probed()).count();
        Report rep = new Report(TITLE);
        rep.text("Claim tested (4), read as 'flatter minima, better generalization': across every trained cell of the "
                + "experiments in this folder (" + String.join(", ", experiments) + "; preset " + preset + "), cells "
                + "with a larger top Hessian eigenvalue, trace or sharpness generalize worse.");
        rep.text(method());
        rep.text("Caveat: the cells differ in depth, epochs and rule, which move both flatness and the gap; a pooled "
                + "correlation can come from those differences alone. The verdict reads the pooled correlation; the "
                + "table gives the correlation within each experiment beside it, so a reader sees whether pooling "
                + "drives it. " + rows.size() + " cells, " + unprobed + " without a probe (diverged, or stored by older "
                + "code): listed with empty values and left out of the correlations.");
        for (Measure m : Measure.values()) {
            if (rows.stream().anyMatch(r -> Double.isFinite(m.of.applyAsDouble(r)) && Double.isFinite(r.gapAccuracy()))) {
                rep.figure(scatter(rows, m));
            }
        }
        rep.table("generalization", "Rank correlations, pooled and within each experiment", "Spearman's rho of each "
                + "gap with each flatness measure and its bootstrap 95% interval; 'pooled' is all cells together, the "
                + "other rows one experiment's cells.", correlationTable(pooledAndWithin(rows)));
        rep.table("generalization-all", "Generalization gap and flatness per cell", "One row per stored cell; "
                + "empty values where the cell has no probe.", rowTable("generalization-all", rows));
        rep.verdicts(List.of(verdict(rows, "all cells of " + String.join(", ", experiments) + " (" + rows.size()
                + " cells)")));
        return rep;
    }
}
