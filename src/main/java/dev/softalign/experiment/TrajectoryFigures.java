package dev.softalign.experiment;

import dev.softalign.analysis.Trajectory;
import dev.softalign.report.Figure;
import dev.softalign.report.PathOnSurface;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import dev.softalign.report.VerdictRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The loss-landscape reading of claim 3 in figure 2: each run's trajectory on its two principal
 * directions over the loss surface around its final weights (Li et al. 2018, section 7), its CSVs
 * and its verdict. The PCA directions are used as they are, not filter-normalised: Li et al.
 * filter-normalise only random directions; rescaling the PCA directions would move the plane off
 * the path and the coordinates would lose their meaning.
 */
final class TrajectoryFigures {

    private TrajectoryFigures() {
    }

    static String text(Preset p) {
        return "Loss landscape along training (Li et al. 2018, section 7): for each run, the forward parameters (W and "
                + "biases, not B) after initialisation and after every epoch, w_0 .. w_n; the two principal directions of "
                + "the matrix of differences w_t - w_n (its top two right singular vectors, not filter-normalised: Li et "
                + "al. normalise only random directions, and rescaling the principal ones would take the path out of the "
                + "plane); every epoch's point projected on them; and the loss on a " + TrainingExperiment.SURFACE_POINTS
                + " x " + TrainingExperiment.SURFACE_POINTS + " grid of w_n + alpha d1 + beta d2 covering the path with a "
                + (int) (100 * Trajectory.MARGIN) + "% margin. All these losses are the mean cross-entropy on the first "
                + p.analysisSamples() + " training samples. A diverged run has no plane.";
    }

    /** One panel per condition, seed 1 (or the condition's first seed with a plane). */
    static List<Figure> figures(Preset p, Map<String, List<CellResult<UpdateAngles>>> groups) {
        List<Figure> out = new ArrayList<>();
        for (var g : groups.entrySet()) {
            CellResult<UpdateAngles> shown = g.getValue().stream().filter(r -> plane(r) != null)
                    .min(java.util.Comparator.comparingLong(r -> r.config.seed)).orElse(null);
            if (shown == null) {
                continue;
            }
            Trajectory.Result t = plane(shown);
            out.add(new Figure("trajectory-" + TrainingExperiment.slug(g.getKey()), "Training trajectory over the loss "
                    + "surface, " + g.getKey() + " (seed " + shown.config.seed + ")", "The path of " + g.getKey()
                    + " from initialisation (red diamond) to its final weights (0, 0), one point per epoch, on its two "
                    + "principal directions, which explain " + Fmt.pct(t.explained()[0]) + " and "
                    + Fmt.pct(t.explained()[1]) + " of the trajectory's squared distance from the end; the colour is the "
                    + "loss on the first " + t.samples() + " training samples (log scale, dark = low). Path loss from "
                    + Fmt.num(t.pathLoss()[0]) + " to " + Fmt.num(last(t.pathLoss())) + ", lowest on the grid "
                    + Fmt.num(t.surfaceMin()) + ".",
                    new PathOnSurface("first principal direction", "second principal direction", t.alphas(), t.betas(),
                            t.surface(), t.x(), t.y(), t.pathLoss())));
        }
        return out;
    }

    /** condition, seed, epoch, x, y, loss: one row per cell with a plane and epoch. */
    static Table pathTable(List<CellResult<UpdateAngles>> results) {
        StringColumn cond = StringColumn.create("condition");
        IntColumn seed = IntColumn.create("seed");
        IntColumn epoch = IntColumn.create("epoch");
        DoubleColumn x = DoubleColumn.create("x");
        DoubleColumn y = DoubleColumn.create("y");
        DoubleColumn loss = DoubleColumn.create("loss");
        for (CellResult<UpdateAngles> r : results) {
            Trajectory.Result t = plane(r);
            for (int e = 0; t != null && e < t.x().length; e++) {
                cond.append(r.group());
                seed.append((int) r.config.seed);
                epoch.append(e);
                x.append(t.x()[e]);
                y.append(t.y()[e]);
                loss.append(t.pathLoss()[e]);
            }
        }
        return Table.create("trajectory-path", cond, seed, epoch, x, y, loss);
    }

    /** condition, seed, alpha, beta, loss: one row per cell with a plane and grid point. */
    static Table surfaceTable(List<CellResult<UpdateAngles>> results) {
        StringColumn cond = StringColumn.create("condition");
        IntColumn seed = IntColumn.create("seed");
        DoubleColumn alpha = DoubleColumn.create("alpha");
        DoubleColumn beta = DoubleColumn.create("beta");
        DoubleColumn loss = DoubleColumn.create("loss");
        for (CellResult<UpdateAngles> r : results) {
            Trajectory.Result t = plane(r);
            if (t == null) {
                continue;
            }
            for (int i = 0; i < t.alphas().length; i++) {
                for (int j = 0; j < t.betas().length; j++) {
                    cond.append(r.group());
                    seed.append((int) r.config.seed);
                    alpha.append(t.alphas()[i]);
                    beta.append(t.betas()[j]);
                    loss.append(t.surface()[i][j]);
                }
            }
        }
        return Table.create("trajectory-surface", cond, seed, alpha, beta, loss);
    }

    static Trajectory.Result plane(CellResult<UpdateAngles> r) {
        return r.measured == null ? null : r.measured.trajectory();
    }

    /**
     * Epochs whose loss on the subset rose by more than {@link TrainingExperiment#RISE} over the
     * previous epoch's, from epoch 0 on (every point is the same fixed network evaluated on the same
     * samples, so unlike the training-loss average the first epoch counts too); -1 without a plane.
     */
    static int pathRises(CellResult<UpdateAngles> r) {
        Trajectory.Result t = plane(r);
        if (t == null) {
            return -1;
        }
        int n = 0;
        for (int e = 1; e < t.pathLoss().length; e++) {
            if (!(t.pathLoss()[e] <= t.pathLoss()[e - 1] * (1 + TrainingExperiment.RISE))) {
                n++;
            }
        }
        return n;
    }

    /** (final loss - lowest loss on the grid) / final loss: how far above its plane's floor the run ended; NaN without a plane. */
    static double excess(CellResult<UpdateAngles> r) {
        Trajectory.Result t = plane(r);
        if (t == null) {
            return Double.NaN;
        }
        double end = last(t.pathLoss());
        return (end - t.surfaceMin()) / end;
    }

    private record Summary(int cells, int planes, int rises, double meanExcess, double maxExcess, double explained) {

        /** Every cell has a plane (none diverged) and no path rose. */
        boolean monotone() {
            return cells > 0 && planes == cells && rises == 0;
        }

        String describe(String group) {
            return cells == 0 ? group + ": no cells" : group + ": " + rises + " path-loss rises, final loss "
                    + Fmt.pct(meanExcess) + " above the plane's lowest (mean; largest " + Fmt.pct(maxExcess) + "), "
                    + planes + "/" + cells + " with a plane, PCA explains " + Fmt.pct(explained);
        }
    }

    private static Summary summary(List<CellResult<UpdateAngles>> results, String group) {
        List<CellResult<UpdateAngles>> rs = Analyses.group(results, group);
        List<CellResult<UpdateAngles>> with = rs.stream().filter(r -> plane(r) != null).toList();
        double[] ex = with.stream().mapToDouble(TrajectoryFigures::excess).toArray();
        double max = Double.NaN;
        for (double v : ex) {
            max = Double.isNaN(max) ? v : Math.max(max, v);
        }
        double[] explained = with.stream().mapToDouble(r -> plane(r).explained()[0] + plane(r).explained()[1]).toArray();
        return new Summary(rs.size(), with.size(), with.stream().mapToInt(TrajectoryFigures::pathRises).sum(),
                Stats.mean(ex), max, Stats.mean(explained));
    }

    /**
     * Claim 3 read in the landscape: the most aligned FA descends its landscape as BP does (no
     * epoch-to-epoch rise of the path loss on any seed, none diverged; it ends no further above its
     * plane's lowest loss than BP's worst seed) and more steadily than plain FA.
     */
    static Verdict verdict(Preset p, List<CellResult<UpdateAngles>> results) {
        String aligned = p.aligns().length == 0 ? null : Groups.aligned(p.aligns()[p.aligns().length - 1]);
        Summary bp = summary(results, "BP");
        Summary fa = summary(results, "FA");
        Summary al = aligned == null ? null : summary(results, aligned);
        boolean decidable = al != null && al.cells() > 0 && bp.planes() > 0 && fa.cells() > 0;
        String rose = "rose by more than " + (int) (TrainingExperiment.RISE * 100) + "%";
        boolean steady = decidable && al.monotone();
        boolean asBp = decidable && al.planes() == al.cells() && al.meanExcess() <= bp.maxExcess();
        boolean beatsFa = decidable && (!fa.monotone() || fa.meanExcess() > al.meanExcess());
        return VerdictRule.allOf("at depth " + p.curveDepth() + ", path losses on the first " + p.analysisSamples()
                + " training samples, all seeds, for the most aligned FA (" + aligned + ")")
                .criterion("its path loss never " + rose + " from one epoch to the next on any seed, and no seed diverged",
                        steady)
                .criterion("it ends, on mean over seeds, no further above the lowest loss of its principal plane "
                        + "(relative to its final loss) than BP's furthest seed", asBp)
                .criterion("plain FA does worse: a seed of it rose or diverged, or it ends further above its plane's "
                        + "lowest loss", beatsFa)
                .decidableIf(decidable)
                .verdict("3. Initial alignment gives stable error minimisation (loss landscape along the trajectory)",
                        decidable ? bp.describe("BP") + "; " + al.describe(aligned) + "; " + fa.describe("FA")
                                : "no soft-aligned condition, or no trajectory plane measured, in this run");
    }

    private static double last(double[] v) {
        return v[v.length - 1];
    }
}
