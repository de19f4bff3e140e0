package dev.softalign.experiment;

import dev.softalign.analysis.Landscape;
import dev.softalign.analysis.Trajectory;
import dev.softalign.data.Split;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.Rule;
import dev.softalign.learn.TrainConfig;
import dev.softalign.nn.MatMul;
import dev.softalign.report.Figure;
import dev.softalign.report.Lines;
import dev.softalign.report.Report;
import dev.softalign.report.Series;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import dev.softalign.report.VerdictRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Figure 2: training curves of one deep network per rule, the angle between W and B per layer,
 * the angle between the rule's update and the true gradient, over training; and each run's
 * trajectory over the loss surface of its two principal directions ({@link Trajectory}, Li et al.
 * 2018; the PCA directions are not filter-normalised, see {@link TrajectoryFigures}).
 */
public final class TrainingExperiment implements Experiment<UpdateAngles> {

    /** A training loss that rises by more than this fraction between epochs counts as an increase. */
    static final double RISE = 0.01;

    /** Cell tag: the update angle is probed on this many training samples. */
    static final String PROBE_TAG = "probe_samples";

    @Override
    public Class<UpdateAngles> measurement() {
        return UpdateAngles.class;
    }

    /** Grid points per axis of the loss surface under each trajectory (Landscape's default for a plane). */
    static final int SURFACE_POINTS = Landscape.DEFAULT_POINTS_2D;

    /**
     * Trains the cell with the update-angle probe and the trajectory recorder listening; a diverged
     * cell keeps the epochs it probed and has no trajectory plane (its weights blew up).
     */
    @Override
    public CellResult<UpdateAngles> run(Cell cell, Split data, Path folder, MatMul kernel) {
        int n = Integer.parseInt(cell.tags().get(PROBE_TAG));
        UpdateAngles.Probe probe = new UpdateAngles.Probe(Rule.parse(cell.config().rule, cell.config().feedbackScale)
                .path(), data.train().first(Math.min(n, data.train().size())));
        Trajectory trajectory = new Trajectory();
        Training.Trained<UpdateAngles> t = Training.train(cell, data, folder, kernel, probe, trajectory);
        Trajectory.Result plane = null;
        if (t.model() != null && !t.result().diverged() && trajectory.snapshots().size() >= 3) {
            int samples = Integer.parseInt(cell.tags().get(Analyses.SAMPLES_TAG));
            plane = Trajectory.landscape(Training.forAnalysis(t.model(), kernel).net(),
                    data.train().first(Math.min(samples, data.train().size())), trajectory.snapshots(), SURFACE_POINTS);
        }
        t.result().measured = probe.angles().with(plane);
        return t.result();
    }

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
                        PROBE_TAG, Integer.toString(p.probeSamples()), Analyses.SAMPLES_TAG,
                        Integer.toString(p.analysisSamples()))));
            }
        }
        return cells;
    }

    /** The report, read as its table of contents: claims, setup, figures, table, verdicts. */
    @Override
    public Report report(Preset p, Split data, List<CellResult<UpdateAngles>> results) {
        Curves c = new Curves(Groups.byGroup(results), p.curveEpochs());
        Report rep = new Report(title());
        rep.text(claims(p));
        rep.text(setup(p));
        rep.text("Hyper-parameters: " + p.rationale());
        rep.figure(c.trainLoss());
        rep.figure(c.testLoss());
        rep.figure(c.testAccuracy());
        rep.figure(c.angleWB());
        c.angleWBPerLayer().forEach(rep::figure);
        rep.figure(c.angleUpdateGradient(p));
        rep.table("final", "Final metrics per condition", "Means over seeds at the last epoch.", finalTable(c.groups()));
        rep.text(TrajectoryFigures.text(p));
        TrajectoryFigures.figures(p, c.groups()).forEach(rep::figure);
        rep.data("trajectory-path", "Every cell's path in its principal plane, with the loss at each epoch on the "
                + "subset:", TrajectoryFigures.pathTable(results));
        rep.data("trajectory-surface", "Every cell's loss surface on its principal plane:",
                TrajectoryFigures.surfaceTable(results));
        rep.verdicts(verdicts(p, results));
        return rep;
    }

    static String claims(Preset p) {
        return "Claims tested: FA learns unstably in deep networks, and a one-time soft alignment at initialisation "
                + "gives stable error minimisation. One network per rule and seed, " + p.curveDepth()
                + " hidden layers, trained for " + p.curveEpochs() + " epochs; epoch 0 is the initialised network.";
    }

    static String setup(Preset p) {
        return "Setup, the same for every rule: " + p.describe() + ". Curves are means over seeds with a band of "
                + "+- one standard deviation; a seed whose loss became NaN contributes only the epochs it completed; one whose loss ended above "
                + (int) Training.BLOWUP + "x its initial value counts as diverged in the table and verdicts.";
    }

    /** The per-epoch figures, one method each, over the conditions present. */
    record Curves(Map<String, List<CellResult<UpdateAngles>>> groups, int epochs, double[] x) {

        Curves(Map<String, List<CellResult<UpdateAngles>>> groups, int epochs) {
            this(groups, epochs, java.util.stream.IntStream.rangeClosed(0, epochs).asDoubleStream().toArray());
        }

        /** One series per condition: a per-epoch metric, mean +- sd over seeds. */
        private List<Series> of(java.util.function.ToDoubleFunction<EpochMetrics> metric) {
            List<Series> out = new ArrayList<>();
            for (var g : groups.entrySet()) {
                out.add(Series.meanSd(g.getKey(), x, perEpoch(g.getValue(), epochs, metric)));
            }
            return out;
        }

        Figure trainLoss() {
            return new Figure("train-loss", "Training loss per epoch",
                    "Mean training loss over each epoch's mini-batches (log scale); epoch 0 is the loss of the "
                            + "initialised network on the training set.",
                    new Lines("epoch", "train loss", of(EpochMetrics::trainLoss)).logY(true));
        }

        Figure testLoss() {
            return new Figure("test-loss", "Test loss per epoch", "Loss on the test set after each epoch (log scale).",
                    new Lines("epoch", "test loss", of(EpochMetrics::testLoss)).logY(true));
        }

        Figure testAccuracy() {
            return new Figure("test-accuracy", "Test accuracy per epoch", "Test accuracy (%) after each epoch.",
                    new Lines("epoch", "test accuracy (%)", of(m -> 100 * m.testAccuracy())));
        }

        Figure angleWB() {
            return new Figure("angle-w-b", "Angle between W and B (mean over layers)",
                    "Angle in degrees between each layer's forward weights W and feedback weights B, averaged over "
                            + "layers. BP uses B = W (0 degrees); plain FA starts near 90 degrees; soft alignment starts "
                            + "at arccos(a). B is fixed, so the angle changes only because W learns.",
                    new Lines("epoch", "angle(W, B) (degrees)", of(m -> Stats.mean(m.anglesDegrees()))));
        }

        /** One figure per condition other than BP. */
        List<Figure> angleWBPerLayer() {
            List<Figure> out = new ArrayList<>();
            for (var g : groups.entrySet()) {
                if (g.getKey().equals("BP")) {
                    continue;
                }
                out.add(new Figure("angle-w-b-layers-" + slug(g.getKey()), "Angle between W and B per layer, "
                        + g.getKey(), "Per-layer angle between W and B for " + g.getKey() + " (layer 0 takes the input, "
                        + "the last layer gives the logits), mean +- sd over seeds.",
                        new Lines("epoch", "angle(W, B) (degrees)", perLayer(g.getValue(), epochs, x))));
            }
            return out;
        }

        Figure angleUpdateGradient(Preset p) {
            List<Series> updateAngle = new ArrayList<>();
            for (var g : groups.entrySet()) {
                updateAngle.add(Analyses.meanSd(g.getKey(), x, g.getValue(), UpdateAngles::overall));
            }
            return new Figure("angle-update-gradient", "Angle between the rule's update and the true gradient",
                    "Angle in degrees between the weight update the rule computes and the true gradient (backprop), all "
                            + "layers as one vector, measured on the first " + p.probeSamples() + " training samples "
                            + "after each epoch. 0 means the update is the gradient; below 90 it still descends the loss.",
                    new Lines("epoch", "angle(update, gradient) (degrees)", updateAngle));
        }
    }

    static String slug(String label) {
        return label.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9.]+", "-");
    }

    /** rows[seed][epoch] of one metric; epochs a cell did not reach are NaN. */
    static double[][] perEpoch(List<CellResult<UpdateAngles>> rs, int epochs, ToDoubleFunction<EpochMetrics> f) {
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

    static List<Series> perLayer(List<CellResult<UpdateAngles>> rs, int epochs, double[] x) {
        int layers = rs.stream().mapToInt(r -> r.last() == null ? 0 : r.last().anglesDegrees().length).max().orElse(0);
        List<Series> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int layer = l;
            out.add(Series.meanSd("layer " + l, x, perEpoch(rs, epochs,
                    m -> layer < m.anglesDegrees().length ? m.anglesDegrees()[layer] : Double.NaN)));
        }
        return out;
    }

    static Table finalTable(Map<String, List<CellResult<UpdateAngles>>> groups) {
        StringColumn cond = StringColumn.create("condition");
        StringColumn trainLoss = StringColumn.create("train loss");
        StringColumn testLoss = StringColumn.create("test loss");
        StringColumn testAcc = StringColumn.create("test accuracy");
        StringColumn angle = StringColumn.create("angle(W, B)");
        StringColumn update = StringColumn.create("angle(update, gradient)");
        IntColumn rises = IntColumn.create("loss increases");
        IntColumn diverged = IntColumn.create("diverged");
        for (var g : groups.entrySet()) {
            List<CellResult<UpdateAngles>> ok = g.getValue().stream().filter(r -> !r.diverged() && r.last() != null).toList();
            cond.append(g.getKey());
            trainLoss.append(Fmt.num(Stats.mean(ok.stream().mapToDouble(r -> r.last().trainLoss()).toArray())));
            testLoss.append(Fmt.num(Stats.mean(ok.stream().mapToDouble(r -> r.last().testLoss()).toArray())));
            testAcc.append(Fmt.pct(Stats.mean(ok.stream().mapToDouble(r -> r.last().testAccuracy()).toArray())));
            angle.append(Fmt.num(Stats.mean(ok.stream().mapToDouble(r -> Stats.mean(r.last().anglesDegrees())).toArray())));
            update.append(Fmt.num(Stats.mean(ok.stream().mapToDouble(r -> {
                double[] a = r.array(UpdateAngles::overall);
                return a.length == 0 ? Double.NaN : a[a.length - 1];
            }).toArray())));
            rises.append(g.getValue().stream().mapToInt(TrainingExperiment::rises).sum());
            diverged.append((int) g.getValue().stream().filter(CellResult::diverged).count());
        }
        return Table.create("final", cond, trainLoss, testLoss, testAcc, angle, update, rises, diverged);
    }

    /** Epochs whose training loss rose by more than RISE over the previous epoch's. */
    static int rises(CellResult<UpdateAngles> r) {
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
    static double finalLoss(List<CellResult<UpdateAngles>> results, String group) {
        List<CellResult<UpdateAngles>> rs = Groups.where(results, r -> r.group().equals(group));
        if (rs.isEmpty()) {
            return Double.NaN;
        }
        double s = 0;
        for (CellResult<UpdateAngles> r : rs) {
            s += r.diverged() || r.last() == null ? Double.POSITIVE_INFINITY : r.last().trainLoss();
        }
        return s / rs.size();
    }

    static boolean unstable(List<CellResult<UpdateAngles>> results, String group) {
        return Groups.where(results, r -> r.group().equals(group)).stream().anyMatch(r -> r.diverged() || rises(r) > 0);
    }

    static String describe(List<CellResult<UpdateAngles>> results, String group) {
        List<CellResult<UpdateAngles>> rs = Groups.where(results, r -> r.group().equals(group));
        return group + ": final train loss " + Fmt.num(finalLoss(results, group)) + ", "
                + rs.stream().mapToInt(TrainingExperiment::rises).sum() + " loss increases, "
                + rs.stream().filter(CellResult::diverged).count() + "/" + rs.size() + " diverged";
    }

    static List<Verdict> verdicts(Preset p, List<CellResult<UpdateAngles>> results) {
        List<Verdict> out = new ArrayList<>();
        double bp = finalLoss(results, "BP");
        double fa = finalLoss(results, "FA");
        String rose = "rose by more than " + (int) (RISE * 100) + "% between epochs";
        out.add(VerdictRule.allOf("at depth " + p.curveDepth())
                .criterion("plain FA ends with a higher mean training loss than BP (a diverged seed counts as "
                        + "infinite loss)", fa > bp)
                .criterion("plain FA is unstable (a seed diverged or its training loss " + rose + ")",
                        unstable(results, "FA"))
                .decidableIf(!Double.isNaN(bp) && !Double.isNaN(fa))
                .verdict("1. FA learns poorly and unstably in deep networks",
                        describe(results, "BP") + "; " + describe(results, "FA")));

        String aligned = p.aligns().length == 0 ? null : Groups.aligned(p.aligns()[p.aligns().length - 1]);
        double al = aligned == null ? Double.NaN : finalLoss(results, aligned);
        boolean decidable = aligned != null && !Double.isNaN(al) && !Double.isNaN(fa);
        out.add(VerdictRule.allOf("at depth " + p.curveDepth() + ", for the most aligned FA (" + aligned + ")")
                .criterion("it ends with a lower mean training loss than plain FA", al < fa)
                .criterion("it is stable (no seed diverged, no epoch's training loss " + rose + ")",
                        decidable && !unstable(results, aligned))
                .decidableIf(decidable)
                .verdict("3. Initial alignment gives stable error minimisation (trainability)", decidable
                        ? describe(results, aligned) + "; " + describe(results, "FA")
                        : "no soft-aligned condition in this preset"));
        out.add(TrajectoryFigures.verdict(p, results));
        return out;
    }
}
