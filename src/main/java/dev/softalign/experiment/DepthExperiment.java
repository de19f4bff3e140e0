package dev.softalign.experiment;

import dev.softalign.data.Split;
import dev.softalign.learn.TrainConfig;
import dev.softalign.report.Figure;
import dev.softalign.report.Lines;
import dev.softalign.report.Report;
import dev.softalign.report.Series;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import dev.softalign.report.Verdict.Outcome;
import dev.softalign.report.VerdictRule;
import java.util.ArrayList;
import java.util.List;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Figure 1: test accuracy against depth for BP, FA and soft-aligned FA, mean +- sd over seeds. */
public final class DepthExperiment implements Experiment<Void> {

    /** "Comparable" / "behind" threshold, in accuracy (0.02 = 2 percentage points). */
    static final double GAP = 0.02;

    /** The cells are only trained: figure 1 reads their training history. */
    @Override
    public Class<Void> measurement() {
        return Void.class;
    }

    @Override
    public String id() {
        return "depth";
    }

    @Override
    public String figure() {
        return "1";
    }

    @Override
    public String title() {
        return "Figure 1: test accuracy against depth (BP, FA, soft-aligned FA)";
    }

    @Override
    public List<Cell> cells(Preset p) {
        List<Cell> cells = new ArrayList<>();
        for (Groups.Condition c : Groups.conditions(p)) {
            for (int depth : p.depths()) {
                for (int seed = 1; seed <= p.seeds(); seed++) {
                    TrainConfig config = c.apply(base(p)).depth(depth).epochs(p.epochs()).seed(seed);
                    cells.add(Cell.of(config, Cell.tags("group", c.label(), "train_samples",
                            Integer.toString(p.trainSamples()), "test_samples", Integer.toString(p.testSamples()),
                            Analyses.SAMPLES_TAG, Integer.toString(p.analysisSamples()))));
                }
            }
        }
        return cells;
    }

    /** Everything every cell of a preset shares. */
    static TrainConfig base(Preset p) {
        return TrainConfig.defaults().dataset(p.dataset()).width(p.width()).batch(p.batch()).lr(p.lr())
                .momentum(p.momentum()).optimizer("sgd").dtype(p.dtype().name());
    }

    /** The report, read as its table of contents: claim, setup, figures, table, verdicts. */
    @Override
    public Report report(Preset p, Split data, List<CellResult<Void>> results) {
        int classes = data.train().classes();
        ByDepth d = ByDepth.of(p, results, classes);
        Report rep = new Report(title());
        rep.text(claim(p));
        rep.text(setup(p, classes));
        rep.text("Hyper-parameters: " + p.rationale());
        rep.figure(accuracyAgainstDepth(p, d));
        rep.figure(trainLossAgainstDepth(d));
        rep.table("accuracy", "Test accuracy per condition and depth",
                "Mean and standard deviation over seeds; diverged cells are counted at chance accuracy.", d.table());
        rep.verdicts(verdicts(p, results, classes));
        return rep;
    }

    static String claim(Preset p) {
        return "Claim tested: feedback alignment (FA) degrades as networks get deeper, while FA with a one-time soft "
                + "alignment of B to W at initialisation (cos(B, W) = a, B fixed afterwards) stays close to "
                + "backpropagation (BP). Each cell trains one network from scratch for " + p.epochs() + " epochs.";
    }

    static String setup(Preset p, int classes) {
        return "Setup, the same for every rule: " + p.describe() + ". Depths " + java.util.Arrays.toString(p.depths())
                + " hidden layers. Fairness: all rules share the learning rate, the epochs, the initial forward "
                + "weights and the data order of a seed; the rate is one at which BP and aligned FA train at every "
                + "depth, and plain FA may diverge at it (a cell diverges when its loss becomes NaN or ends above "
                + (int) Training.BLOWUP + "x its initial value; it is kept, counted as chance accuracy "
                + Fmt.pct(1.0 / classes) + ", and listed in the table).";
    }

    static Figure accuracyAgainstDepth(Preset p, ByDepth d) {
        return new Figure("accuracy-vs-depth", "Test accuracy against depth",
                "Final test accuracy (%) against the number of hidden layers, mean over " + p.seeds()
                        + " seeds with a band of +- one standard deviation. Diverged cells count as chance accuracy.",
                new Lines("hidden layers", "test accuracy (%)", d.accuracy()));
    }

    static Figure trainLossAgainstDepth(ByDepth d) {
        return new Figure("train-loss-vs-depth", "Final training loss against depth",
                "Training loss after the last epoch (log scale), mean +- sd over the seeds that did not diverge; "
                        + "a huge loss means the network blew up without producing NaN.",
                new Lines("hidden layers", "final train loss", d.loss()).logY(true));
    }

    /** Per condition, test accuracy (%) and final training loss against depth, and the table of both. */
    record ByDepth(List<Series> accuracy, List<Series> loss, Table table) {

        static ByDepth of(Preset p, List<CellResult<Void>> results, int classes) {
            double[] depths = new double[p.depths().length];
            for (int i = 0; i < depths.length; i++) {
                depths[i] = p.depths()[i];
            }
            List<Series> accuracy = new ArrayList<>();
            List<Series> loss = new ArrayList<>();
            StringColumn tCondition = StringColumn.create("condition");
            IntColumn tDepth = IntColumn.create("depth");
            StringColumn tMean = StringColumn.create("test accuracy (mean)");
            StringColumn tSd = StringColumn.create("sd");
            IntColumn tSeeds = IntColumn.create("seeds");
            IntColumn tDiverged = IntColumn.create("diverged");
            StringColumn tLoss = StringColumn.create("final train loss (mean of non-diverged)");
            for (var g : Groups.byGroup(results).entrySet()) {
                double[][] acc = new double[p.seeds()][depths.length];
                double[][] lossRows = new double[p.seeds()][depths.length];
                for (int d = 0; d < depths.length; d++) {
                    int depth = p.depths()[d];
                    List<CellResult<Void>> at = Groups.where(g.getValue(), r -> r.config.depth == depth);
                    int diverged = 0;
                    for (int s = 0; s < p.seeds(); s++) {
                        CellResult<Void> r = s < at.size() ? at.get(s) : null;
                        acc[s][d] = r == null ? Double.NaN : 100 * r.testAccuracy(classes);
                        lossRows[s][d] = r == null || r.diverged() || r.last() == null ? Double.NaN : r.last().trainLoss();
                        diverged += r != null && r.diverged() ? 1 : 0;
                    }
                    double[] column = column(acc, d);
                    tCondition.append(g.getKey());
                    tDepth.append(depth);
                    tMean.append(Fmt.pct(Stats.mean(column) / 100));
                    tSd.append(Fmt.points(Stats.sd(column) / 100));
                    tSeeds.append(at.size());
                    tDiverged.append(diverged);
                    tLoss.append(Fmt.num(Stats.mean(column(lossRows, d))));
                }
                accuracy.add(Series.meanSd(g.getKey(), depths, acc));
                loss.add(Series.meanSd(g.getKey(), depths, lossRows));
            }
            return new ByDepth(accuracy, loss,
                    Table.create("accuracy", tCondition, tDepth, tMean, tSd, tSeeds, tDiverged, tLoss));
        }
    }

    static double[] column(double[][] rows, int j) {
        double[] c = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            c[i] = rows[i][j];
        }
        return c;
    }

    /** Mean test accuracy (0..1) of a condition at a depth; NaN if there is no such cell. */
    static double meanAccuracy(List<CellResult<Void>> results, String group, int depth, int classes) {
        return Stats.mean(Groups.where(results, r -> r.group().equals(group) && r.config.depth == depth).stream()
                .mapToDouble(r -> r.testAccuracy(classes)).toArray());
    }

    static long divergedCount(List<CellResult<Void>> results, String group) {
        return results.stream().filter(r -> r.group().equals(group) && r.diverged()).count();
    }

    static List<Verdict> verdicts(Preset p, List<CellResult<Void>> results, int classes) {
        int shallow = p.depths()[0];
        int deep = p.depths()[p.depths().length - 1];
        double bpS = meanAccuracy(results, "BP", shallow, classes);
        double bpD = meanAccuracy(results, "BP", deep, classes);
        double faS = meanAccuracy(results, "FA", shallow, classes);
        double faD = meanAccuracy(results, "FA", deep, classes);
        double gapS = bpS - faS;
        double gapD = bpD - faD;
        List<Verdict> out = new ArrayList<>();

        String measured1 = "depth " + shallow + ": BP " + Fmt.pct(bpS) + ", FA " + Fmt.pct(faS) + " (gap "
                + Fmt.points(gapS) + "); depth " + deep + ": BP " + Fmt.pct(bpD) + ", FA " + Fmt.pct(faD) + " (gap "
                + Fmt.points(gapD) + "); FA diverged in " + divergedCount(results, "FA") + " cells";
        out.add(VerdictRule.allOf("mean test accuracy over seeds")
                .criterion("FA at the deepest depth (" + deep + ") is more than " + Fmt.points(GAP) + " below BP",
                        gapD > GAP)
                .criterion("that gap is larger than at the shallowest depth (" + shallow + ")", gapD > gapS)
                .decidableIf(Double.isFinite(gapS) && Double.isFinite(gapD))
                .verdict("1. FA learns poorly in deep networks", measured1));

        String best = null;
        double bestAcc = Double.NaN;
        StringBuilder measured2 = new StringBuilder("depth " + deep + ": BP " + Fmt.pct(bpD) + ", FA " + Fmt.pct(faD));
        for (double a : p.aligns()) {
            String g = Groups.aligned(a);
            double acc = meanAccuracy(results, g, deep, classes);
            measured2.append(", ").append(g).append(' ').append(Fmt.pct(acc));
            if (Double.isFinite(acc) && (best == null || acc > bestAcc)) {
                best = g;
                bestAcc = acc;
            }
        }
        double gapA = bpD - bestAcc;
        boolean decidable = best != null && Double.isFinite(gapD);
        if (decidable) {
            measured2.append("; best ").append(best).append(" is ").append(Fmt.points(gapA)).append(" behind BP");
        }
        out.add(VerdictRule.firstOf("at the deepest depth (" + deep + "), with the best soft-aligned FA")
                .when(Outcome.PARTLY, "plain FA is itself within " + Fmt.points(GAP) + " of BP (nothing to recover)",
                        gapD <= GAP)
                .when(Outcome.YES, "it is within " + Fmt.points(GAP) + " of BP (plain FA being more than "
                        + Fmt.points(GAP) + " behind)", gapA <= GAP)
                .when(Outcome.PARTLY, "it closes at least half of plain FA's gap", gapA <= gapD / 2)
                .decidableIf(decidable)
                .verdict("2. One-time soft alignment lets deep FA reach accuracy comparable to BP", measured2.toString()));
        return out;
    }
}
