package dev.softalign.experiment;

import dev.softalign.learn.TrainConfig;
import dev.softalign.report.Series;
import dev.softalign.report.Stats;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** What the analysis figures (3-5) share: their cells, and summaries of per-cell numbers over seeds. */
final class Analyses {

    /** Cell tag: the size of the analysis subset (part of the cell id, so changing it reruns the cell). */
    static final String SAMPLES_TAG = "analysis_samples";

    private Analyses() {
    }

    /** One cell per condition and seed: trained at depth for the preset's epochs, with the analysis subset size as tag. */
    static List<Cell> cells(Preset p, List<Groups.Condition> conditions, int depth, String... extraTags) {
        List<Cell> cells = new ArrayList<>();
        for (Groups.Condition c : conditions) {
            for (int seed = 1; seed <= p.seeds(); seed++) {
                TrainConfig config = c.apply(DepthExperiment.base(p)).depth(depth).epochs(p.epochs()).seed(seed);
                var tags = Cell.tags("group", c.label(), "train_samples", Integer.toString(p.trainSamples()),
                        "test_samples", Integer.toString(p.testSamples()), SAMPLES_TAG,
                        Integer.toString(p.analysisSamples()));
                for (int i = 0; i + 1 < extraTags.length; i += 2) {
                    tags.put(extraTags[i], extraTags[i + 1]);
                }
                cells.add(Cell.of(config, tags));
            }
        }
        return cells;
    }

    /** The results of one group (condition label), in cell order. */
    static <R extends CellResult<?>> List<R> group(List<R> results, String group) {
        return Groups.where(results, r -> r.group().equals(group));
    }

    /** Mean over a group's cells of a measured number (cells without one, e.g. diverged ones, left out; NaN if none). */
    static <M> double mean(List<CellResult<M>> results, String group, ToDoubleFunction<M> f) {
        return Stats.mean(values(results, group, r -> r.value(f)));
    }

    static <M> double sd(List<CellResult<M>> results, String group, ToDoubleFunction<M> f) {
        return Stats.sd(values(results, group, r -> r.value(f)));
    }

    static <R extends CellResult<?>> double[] values(List<R> results, String group, ToDoubleFunction<? super R> f) {
        return group(results, group).stream().mapToDouble(f).toArray();
    }

    /** Mean +- sd over cells of a measured array (per index); a cell without it counts as missing. */
    static <M> Series meanSd(String name, double[] x, List<CellResult<M>> cells, Function<M, double[]> array) {
        double[][] rows = new double[cells.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = cells.get(i).array(array);
        }
        return Series.meanSd(name, x, rows);
    }

    /** 0, 1, ..., n-1. */
    static double[] range(int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        return x;
    }

    /** Largest over smallest of the finite positive values (how unevenly a signal spreads over layers); NaN if none. */
    static double spread(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (double d : v) {
            if (Double.isFinite(d) && d > 0) {
                max = Math.max(max, d);
                min = Math.min(min, d);
            }
        }
        return max >= min ? max / min : Double.NaN;
    }

    /** Geometric mean of the finite positive values; NaN if none. */
    static double geometricMean(double[] v) {
        double s = 0;
        int n = 0;
        for (double d : v) {
            if (Double.isFinite(d) && d > 0) {
                s += Math.log(d);
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.exp(s / n);
    }

    /** Number of diverged cells in a group. */
    static long diverged(List<? extends CellResult<?>> results, String group) {
        return group(results, group).stream().filter(CellResult::diverged).count();
    }
}
