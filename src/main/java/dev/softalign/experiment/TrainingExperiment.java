package dev.softalign.experiment;

import dev.softalign.data.Split;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainConfig;
import dev.softalign.report.Figure;
import dev.softalign.report.Lines;
import dev.softalign.report.Report;
import dev.softalign.report.Series;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import dev.softalign.report.Verdict.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Figure 2: training curves of one deep network per rule, the angle between W and B per layer,
 * and the angle between the rule's update and the true gradient, over training.
 */
public final class TrainingExperiment implements Experiment {

    /** A training loss that rises by more than this fraction between epochs counts as an increase. */
    static final double RISE = 0.01;

    @Override
    public String id() {
        return "training";
    }

    @Override
    public String figure() {
        return "2";
    }

    @Override
    public String title() {
        return "Figure 2: training curves and alignment angles over training";
    }

    @Override
    public List<Cell> cells(Preset p) {
        List<Cell> cells = new ArrayList<>();
        for (Groups.Condition c : Groups.conditions(p)) {
            for (int seed = 1; seed <= p.seeds(); seed++) {
                TrainConfig config = c.apply(DepthExperiment.base(p)).depth(p.curveDepth()).epochs(p.curveEpochs())
                        .seed(seed);
                cells.add(Cell.of(config, Cell.tags("group", c.label(), "train_samples",
                        Integer.toString(p.trainSamples()), "test_samples", Integer.toString(p.testSamples()),
                        Training.PROBE_TAG, Integer.toString(p.probeSamples()))));
            }
        }
        return cells;
    }

    @Override
    public Report report(Preset p, Split data, List<CellResult> results) {
        int epochs = p.curveEpochs();
        double[] x = new double[epochs + 1];
        for (int e = 0; e <= epochs; e++) {
            x[e] = e;
        }
        Map<String, List<CellResult>> groups = Groups.byGroup(results);
        List<Series> trainLoss = new ArrayList<>();
        List<Series> testLoss = new ArrayList<>();
        List<Series> testAcc = new ArrayList<>();
        List<Series> wbAngle = new ArrayList<>();
        List<Series> updateAngle = new ArrayList<>();
        for (var g : groups.entrySet()) {
            List<CellResult> rs = g.getValue();
            trainLoss.add(Series.meanSd(g.getKey(), x, perEpoch(rs, epochs, EpochMetrics::trainLoss)));
            testLoss.add(Series.meanSd(g.getKey(), x, perEpoch(rs, epochs, EpochMetrics::testLoss)));
            testAcc.add(Series.meanSd(g.getKey(), x, perEpoch(rs, epochs, m -> 100 * m.testAccuracy())));
            wbAngle.add(Series.meanSd(g.getKey(), x, perEpoch(rs, epochs, m -> Stats.mean(m.anglesDegrees()))));
            double[][] ua = new double[rs.size()][];
            for (int i = 0; i < rs.size(); i++) {
                ua[i] = rs.get(i).arrays.getOrDefault(Training.UPDATE_ANGLE, new double[0]);
            }
            updateAngle.add(Series.meanSd(g.getKey(), x, ua));
        }
        Report rep = new Report(title());
        rep.text("Claims tested: FA learns unstably in deep networks, and a one-time soft alignment at initialisation "
                + "gives stable error minimisation. One network per rule and seed, " + p.curveDepth()
                + " hidden layers, trained for " + epochs + " epochs; epoch 0 is the initialised network.");
        rep.text("Setup, the same for every rule: " + p.describe() + ". Curves are means over seeds with a band of "
                + "+- one standard deviation; a seed whose loss became NaN contributes only the epochs it completed; one whose loss ended above "
                + (int) Training.BLOWUP + "x its initial value counts as diverged in the table and verdicts.");
        rep.text("Hyper-parameters: " + p.rationale());
        rep.figure(new Figure("train-loss", "Training loss per epoch",
                "Mean training loss over each epoch's mini-batches (log scale); epoch 0 is the loss of the "
                        + "initialised network on the training set.",
                new Lines("epoch", "train loss", trainLoss).logY(true)));
        rep.figure(new Figure("test-loss", "Test loss per epoch", "Loss on the test set after each epoch (log scale).",
                new Lines("epoch", "test loss", testLoss).logY(true)));
        rep.figure(new Figure("test-accuracy", "Test accuracy per epoch", "Test accuracy (%) after each epoch.",
                new Lines("epoch", "test accuracy (%)", testAcc)));
        rep.figure(new Figure("angle-w-b", "Angle between W and B (mean over layers)",
                "Angle in degrees between each layer's forward weights W and feedback weights B, averaged over "
                        + "layers. BP uses B = W (0 degrees); plain FA starts near 90 degrees; soft alignment starts "
                        + "at arccos(a). B is fixed, so the angle changes only because W learns.",
                new Lines("epoch", "angle(W, B) (degrees)", wbAngle)));
        for (var g : groups.entrySet()) {
            if (g.getKey().equals("BP")) {
                continue;
            }
            rep.figure(new Figure("angle-w-b-layers-" + slug(g.getKey()), "Angle between W and B per layer, "
                    + g.getKey(), "Per-layer angle between W and B for " + g.getKey() + " (layer 0 takes the input, "
                    + "the last layer gives the logits), mean +- sd over seeds.",
                    new Lines("epoch", "angle(W, B) (degrees)", perLayer(g.getValue(), epochs, x))));
        }
        rep.figure(new Figure("angle-update-gradient", "Angle between the rule's update and the true gradient",
                "Angle in degrees between the weight update the rule computes and the true gradient (backprop), all "
                        + "layers as one vector, measured on the first " + p.probeSamples() + " training samples "
                        + "after each epoch. 0 means the update is the gradient; below 90 it still descends the loss.",
                new Lines("epoch", "angle(update, gradient) (degrees)", updateAngle)));
        rep.table("final", "Final metrics per condition", "Means over seeds at the last epoch.", finalTable(groups));
        rep.verdicts(verdicts(p, results));
        return rep;
    }

    static String slug(String label) {
        return label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.]+", "-");
    }

    /** rows[seed][epoch] of one metric; epochs a cell did not reach are NaN. */
    static double[][] perEpoch(List<CellResult> rs, int epochs, ToDoubleFunction<EpochMetrics> f) {
        double[][] rows = new double[rs.size()][epochs + 1];
        for (int i = 0; i < rs.size(); i++) {
            java.util.Arrays.fill(rows[i], Double.NaN);
            for (EpochMetrics m : rs.get(i).history) {
                if (m.epoch() <= epochs) {
                    rows[i][m.epoch()] = f.applyAsDouble(m);
                }
            }
        }
        return rows;
    }

    static List<Series> perLayer(List<CellResult> rs, int epochs, double[] x) {
        int layers = rs.stream().mapToInt(r -> r.last() == null ? 0 : r.last().anglesDegrees().length).max().orElse(0);
        List<Series> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int layer = l;
            out.add(Series.meanSd("layer " + l, x, perEpoch(rs, epochs,
                    m -> layer < m.anglesDegrees().length ? m.anglesDegrees()[layer] : Double.NaN)));
        }
        return out;
    }

    static Table finalTable(Map<String, List<CellResult>> groups) {
        StringColumn cond = StringColumn.create("condition");
        StringColumn trainLoss = StringColumn.create("train loss");
        StringColumn testLoss = StringColumn.create("test loss");
        StringColumn testAcc = StringColumn.create("test accuracy");
        StringColumn angle = StringColumn.create("angle(W, B)");
        StringColumn update = StringColumn.create("angle(update, gradient)");
        IntColumn rises = IntColumn.create("loss increases");
        IntColumn diverged = IntColumn.create("diverged");
        for (var g : groups.entrySet()) {
            List<CellResult> ok = g.getValue().stream().filter(r -> !r.diverged() && r.last() != null).toList();
            cond.append(g.getKey());
            trainLoss.append(Fmt.num(Stats.mean(ok.stream().mapToDouble(r -> r.last().trainLoss()).toArray())));
            testLoss.append(Fmt.num(Stats.mean(ok.stream().mapToDouble(r -> r.last().testLoss()).toArray())));
            testAcc.append(Fmt.pct(Stats.mean(ok.stream().mapToDouble(r -> r.last().testAccuracy()).toArray())));
            angle.append(Fmt.num(Stats.mean(ok.stream().mapToDouble(r -> Stats.mean(r.last().anglesDegrees())).toArray())));
            update.append(Fmt.num(Stats.mean(ok.stream().mapToDouble(r -> {
                double[] a = r.arrays.get(Training.UPDATE_ANGLE);
                return a == null || a.length == 0 ? Double.NaN : a[a.length - 1];
            }).toArray())));
            rises.append(g.getValue().stream().mapToInt(TrainingExperiment::rises).sum());
            diverged.append((int) g.getValue().stream().filter(CellResult::diverged).count());
        }
        return Table.create("final", cond, trainLoss, testLoss, testAcc, angle, update, rises, diverged);
    }

    /** Epochs whose training loss rose by more than RISE over the previous epoch's. */
    static int rises(CellResult r) {
        int n = 0;
        for (int i = 2; i < r.history.size(); i++) {
            // From epoch 2 on: epoch 0 is evaluated on the initial net, epoch 1 averages a moving one.
            double prev = r.history.get(i - 1).trainLoss();
            double cur = r.history.get(i).trainLoss();
            if (!(cur <= prev * (1 + RISE))) {
                n++;
            }
        }
        return n;
    }

    /** Mean final training loss of a group; a diverged cell makes it infinite (it never minimised the loss). */
    static double finalLoss(List<CellResult> results, String group) {
        List<CellResult> rs = Groups.where(results, r -> r.group().equals(group));
        if (rs.isEmpty()) {
            return Double.NaN;
        }
        double s = 0;
        for (CellResult r : rs) {
            s += r.diverged() || r.last() == null ? Double.POSITIVE_INFINITY : r.last().trainLoss();
        }
        return s / rs.size();
    }

    static boolean unstable(List<CellResult> results, String group) {
        return Groups.where(results, r -> r.group().equals(group)).stream().anyMatch(r -> r.diverged() || rises(r) > 0);
    }

    static String describe(List<CellResult> results, String group) {
        List<CellResult> rs = Groups.where(results, r -> r.group().equals(group));
        return group + ": final train loss " + Fmt.num(finalLoss(results, group)) + ", "
                + rs.stream().mapToInt(TrainingExperiment::rises).sum() + " loss increases, "
                + rs.stream().filter(CellResult::diverged).count() + "/" + rs.size() + " diverged";
    }

    static List<Verdict> verdicts(Preset p, List<CellResult> results) {
        List<Verdict> out = new ArrayList<>();
        double bp = finalLoss(results, "BP");
        double fa = finalLoss(results, "FA");
        String rule1 = "at depth " + p.curveDepth() + ": yes if plain FA ends with a higher mean training loss than "
                + "BP (a diverged seed counts as infinite loss) and is unstable (a seed diverged or its training loss "
                + "rose by more than " + (int) (RISE * 100) + "% between epochs); partly if only one holds; no if neither";
        Outcome o1;
        if (Double.isNaN(bp) || Double.isNaN(fa)) {
            o1 = Outcome.UNDECIDED;
        } else {
            int hits = (fa > bp ? 1 : 0) + (unstable(results, "FA") ? 1 : 0);
            o1 = hits == 2 ? Outcome.YES : hits == 1 ? Outcome.PARTLY : Outcome.NO;
        }
        out.add(new Verdict("1. FA learns poorly and unstably in deep networks", rule1,
                describe(results, "BP") + "; " + describe(results, "FA"), o1));

        String aligned = p.aligns().length == 0 ? null : Groups.aligned(p.aligns()[p.aligns().length - 1]);
        String rule3 = "at depth " + p.curveDepth() + ", for the most aligned FA (" + aligned + "): yes if it ends "
                + "with a lower mean training loss than plain FA and is stable (no seed diverged, no epoch's training "
                + "loss rose by more than " + (int) (RISE * 100) + "%); partly if only one holds; no if neither";
        Outcome o3;
        String measured3;
        if (aligned == null || Double.isNaN(finalLoss(results, aligned)) || Double.isNaN(fa)) {
            o3 = Outcome.UNDECIDED;
            measured3 = "no soft-aligned condition in this preset";
        } else {
            double al = finalLoss(results, aligned);
            int hits = (al < fa ? 1 : 0) + (unstable(results, aligned) ? 0 : 1);
            o3 = hits == 2 ? Outcome.YES : hits == 1 ? Outcome.PARTLY : Outcome.NO;
            measured3 = describe(results, aligned) + "; " + describe(results, "FA");
        }
        out.add(new Verdict("3. Initial alignment gives stable error minimisation (trainability)", rule3, measured3, o3));
        return out;
    }
}
