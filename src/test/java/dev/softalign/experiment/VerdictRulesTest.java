package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.analysis.GradientFlowReport;
import dev.softalign.analysis.Hutchinson;
import dev.softalign.analysis.Lanczos;
import dev.softalign.analysis.Sharpness;
import dev.softalign.analysis.SharpnessTrajectory;
import dev.softalign.analysis.WeightNoise;
import dev.softalign.attack.Corruptions;
import dev.softalign.attack.Robustness;
import dev.softalign.attack.WorstCase;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainConfig;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import dev.softalign.report.Verdict.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict rules on hand-made results whose outcome is known. */
class VerdictRulesTest {

    static final Preset P = Preset.builder("t", "blobs").width(8).depths(2, 8).epochs(1).curveDepth(8).curveEpochs(3)
            .seeds(1).aligns(0.9).lr(0.01).momentum(0.9).batch(10).analysisDepth(2).analysisSamples(100)
            .robustAligns(0, 0.5, 1).pgdSteps(3).build();

    static <M> CellResult<M> cell(String group, String rule, Double align, int depth, double... trainLossThenAcc) {
        CellResult<M> r = new CellResult<>();
        r.config = TrainConfig.defaults().rule(rule).align(align).depth(depth);
        r.tags.put("group", group);
        r.id = group + depth;
        double acc = trainLossThenAcc[trainLossThenAcc.length - 1];
        for (int e = 0; e < trainLossThenAcc.length - 1; e++) {
            r.history.add(new EpochMetrics(e, 0.01, trainLossThenAcc[e], acc, 1, acc, new double[] {0}, 0, null));
        }
        return r;
    }

    /** BP, FA and FA a=0.9 accuracies at depth 2 and 8 (BP and FA at depth 2 are bp2, fa2). */
    static List<Verdict> depth(double bp2, double bp8, double fa2, double fa8, double al8) {
        List<CellResult<Void>> rs = new ArrayList<>();
        rs.add(cell("BP", "bp", null, 2, 1, bp2));
        rs.add(cell("BP", "bp", null, 8, 1, bp8));
        rs.add(cell("FA", "fa", null, 2, 1, fa2));
        rs.add(cell("FA", "fa", null, 8, 1, fa8));
        rs.add(cell("FA a=0.9", "fa", 0.9, 2, 1, bp2));
        rs.add(cell("FA a=0.9", "fa", 0.9, 8, 1, al8));
        return DepthExperiment.verdicts(P, rs, 10);
    }

    @Test
    void depthClaims() {
        // FA falls 24 points behind at depth 8 (1 at depth 2); alignment recovers to 1 point: both reproduced.
        List<Verdict> v = depth(0.85, 0.84, 0.84, 0.60, 0.83);
        assertEquals(Outcome.YES, v.get(0).outcome());
        assertEquals(Outcome.YES, v.get(1).outcome());
        assertTrue(v.get(0).measured().contains("gap 24.0 points"), v.get(0).measured());
        // FA as good as BP everywhere: claim 1 not reproduced; claim 2 has nothing to recover.
        v = depth(0.85, 0.84, 0.85, 0.84, 0.84);
        assertEquals(Outcome.NO, v.get(0).outcome());
        assertEquals(Outcome.PARTLY, v.get(1).outcome());
        // Gap of 1.5 points that grows: partly. Alignment halves a big gap but stays 10 points behind: partly.
        assertEquals(Outcome.PARTLY, depth(0.85, 0.85, 0.85, 0.835, 0.85).get(0).outcome());
        assertEquals(Outcome.PARTLY, depth(0.85, 0.84, 0.84, 0.50, 0.74).get(1).outcome());
        // Alignment no better than FA: no.
        assertEquals(Outcome.NO, depth(0.85, 0.84, 0.84, 0.50, 0.52).get(1).outcome());
    }

    @Test
    void trainingClaims() {
        List<CellResult<UpdateAngles>> rs = new ArrayList<>();
        rs.add(cell("BP", "bp", null, 8, 2.3, 1.0, 0.5, 0.4, 0.85));
        rs.add(cell("FA", "fa", null, 8, 2.3, 2.0, 2.2, 1.9, 0.3)); // rises at epoch 2
        rs.add(cell("FA a=0.9", "fa", 0.9, 8, 2.3, 1.1, 0.6, 0.5, 0.84));
        List<Verdict> v = TrainingExperiment.verdicts(P, rs);
        assertEquals(Outcome.YES, v.get(0).outcome(), v.get(0).measured());
        assertEquals(Outcome.YES, v.get(1).outcome(), v.get(1).measured());
        assertEquals(1, TrainingExperiment.rises(rs.get(1)));
        // Aligned FA that diverged: unstable, and infinite loss is not below FA's: no.
        CellResult<UpdateAngles> diverged = cell("FA a=0.9", "fa", 0.9, 8, 2.3, 0.1);
        diverged.status = CellResult.DIVERGED;
        rs.set(2, diverged);
        assertEquals(Outcome.NO, TrainingExperiment.verdicts(P, rs).get(1).outcome());
    }

    /** A figure-2 cell whose trajectory has these path losses over a surface whose lowest value is floor. */
    static CellResult<UpdateAngles> path(String group, double floor, double... loss) {
        CellResult<UpdateAngles> r = cell(group, group.equals("BP") ? "bp" : "fa", null, 8, 2.3, 1.0, 0.5);
        double[] zero = new double[loss.length];
        r.measured = new UpdateAngles(new double[0], new double[0][], new dev.softalign.analysis.Trajectory.Result(10,
                new double[] {0.9, 0.05}, zero, zero, loss, new double[] {0}, new double[] {0, 1},
                new double[][] {{loss[loss.length - 1], floor}}));
        return r;
    }

    @Test
    void trajectoryClaim() {
        // Aligned FA descends monotonically, ends 10% above its floor like BP's worst seed; FA rises once.
        List<CellResult<UpdateAngles>> rs = new ArrayList<>(List.of(path("BP", 0.9, 2, 1.5, 1), path("BP", 0.95, 2, 1.4, 1),
                path("FA", 1, 2, 2.1, 1), path("FA a=0.9", 0.9, 2, 1.6, 1)));
        assertEquals(Outcome.YES, TrajectoryFigures.verdict(P, rs).outcome());
        assertEquals(1, TrajectoryFigures.pathRises(rs.get(2)));
        assertEquals(0.1, TrajectoryFigures.excess(rs.get(0)), 1e-12);
        // Monotone but ending further above its floor than any BP seed, with plain FA as steady: partly.
        rs.set(2, path("FA", 1, 2, 1.5, 1));
        rs.set(3, path("FA a=0.9", 0.5, 2, 1.6, 1));
        assertEquals(Outcome.PARTLY, TrajectoryFigures.verdict(P, rs).outcome());
        // ... and rising on the way: no.
        rs.set(3, path("FA a=0.9", 0.5, 2, 2.5, 1));
        assertEquals(Outcome.NO, TrajectoryFigures.verdict(P, rs).outcome());
        // A rise of 1% or less is not a rise; a diverged aligned seed (no plane) is unstable; FA rose: partly.
        rs.set(2, path("FA", 1, 2, 2.1, 1));
        rs.set(3, path("FA a=0.9", 1, 2, 2.01, 1));
        assertEquals(0, TrajectoryFigures.pathRises(rs.get(3)));
        CellResult<UpdateAngles> diverged = cell("FA a=0.9", "fa", 0.9, 8, 2.3, 0.1);
        diverged.status = CellResult.DIVERGED;
        rs.add(diverged);
        assertEquals(Outcome.PARTLY, TrajectoryFigures.verdict(P, rs).outcome());
        // Cells stored before the trajectory was measured read back without it: undecided.
        UpdateAngles old = dev.softalign.io.Json.PRETTY.fromJson("{\"overall\": [10, 20], \"perLayer\": [[10, 20]]}",
                UpdateAngles.class);
        assertEquals(null, old.trajectory());
        rs.forEach(r -> r.measured = old);
        assertEquals(Outcome.UNDECIDED, TrajectoryFigures.verdict(P, rs).outcome());
    }

    /** A cell of a group holding a measurement; a null measurement makes it a diverged cell (which measured nothing). */
    static <M> CellResult<M> measured(String group, M m) {
        CellResult<M> r = cell(group, group.equals("BP") ? "bp" : "fa", null, 2, 1, 0.5);
        r.measured = m;
        if (m == null) {
            r.status = CellResult.DIVERGED;
        }
        return r;
    }

    /**
     * A gradient-flow report whose backward-signal spread (largest / smallest per-layer norm) is
     * spread and whose Jacobian condition numbers have geometric mean condition; NaN: not measured.
     */
    static GradientFlowReport flowReport(double spread, double condition) {
        double[] none = new double[0];
        return new GradientFlowReport("feedback", 10, 10, 1.0, none, none, new double[] {0.5, 1}, none,
                new double[] {2.0, 2.0 * spread}, none, none, none, none, none, none, none,
                new double[] {condition / 2, condition * 2}, new double[0][], new double[0][], none);
    }

    static GradflowExperiment.Flow flow(double spread, double condition, double spreadInit, double conditionInit) {
        return Double.isNaN(spread) ? null : new GradflowExperiment.Flow(flowReport(spread, condition),
                flowReport(spreadInit, conditionInit), trajectory(new double[] {1, 2, 3}, 0.1));
    }

    /** A sharpness trajectory with these top eigenvalues (epoch 0 first) and this loss oscillation over the run. */
    static SharpnessTrajectory.Result trajectory(double[] top, double oscillation) {
        double[] none = new double[top.length];
        return new SharpnessTrajectory.Result(1000, 2 / P.lr(), 3.8 / P.lr(), top, none, new int[top.length], none,
                oscillation);
    }

    /** Figure 3 read as optimisation dynamics: FA a=0.9 against FA on sharpness along training and loss oscillation. */
    static Verdict dynamics(double[] topAligned, double oscAligned, double[] topFa, double oscFa) {
        GradflowExperiment.Flow bp = flow(1.1, 3.0, 1.1, 3.0);
        List<CellResult<GradflowExperiment.Flow>> rs = List.of(
                measured("BP", bp),
                measured("FA", new GradflowExperiment.Flow(bp.trained(), bp.init(), trajectory(topFa, oscFa))),
                measured("FA a=0.9", new GradflowExperiment.Flow(bp.trained(), bp.init(),
                        trajectory(topAligned, oscAligned))));
        List<Verdict> v = GradflowExperiment.verdicts(P, rs);
        assertEquals(3, v.size());
        return v.get(2);
    }

    @Test
    void optimisationDynamicsClaim() {
        // Aligned FA: epochs 1-2 average 3 against FA's 6 (epoch 0 left out: 50 is the initial net), calmer loss: yes.
        Verdict v = dynamics(new double[] {50, 2, 4}, 0.05, new double[] {1, 5, 7}, 0.2);
        assertEquals(Outcome.YES, v.outcome(), v.measured());
        assertTrue(v.claim().contains("optimisation dynamics"), v.claim());
        assertTrue(v.measured().contains("FA a=0.9: sharpness 3.000") && v.measured().contains("(largest 50.00)"),
                v.measured());
        assertTrue(v.measured().contains("2/lr = " + Fmt.num(2 / P.lr())), v.measured());
        // Flatter but oscillating more, or the reverse: partly; sharper and noisier: no; equal is not smaller.
        assertEquals(Outcome.PARTLY, dynamics(new double[] {1, 2, 4}, 0.3, new double[] {1, 5, 7}, 0.2).outcome());
        assertEquals(Outcome.PARTLY, dynamics(new double[] {1, 8, 8}, 0.1, new double[] {1, 5, 7}, 0.2).outcome());
        assertEquals(Outcome.NO, dynamics(new double[] {1, 5, 7}, 0.2, new double[] {1, 5, 7}, 0.2).outcome());
        // Not measured (NaN eigenvalues): undecided.
        assertEquals(Outcome.UNDECIDED, dynamics(new double[] {1, Double.NaN}, 0.1, new double[] {1, 5, 7}, 0.2)
                .outcome());
    }

    /** Figure 3: FA a=0.9 against FA on the spread of the backward signal and the Jacobian condition. */
    static List<Verdict> gradflow(double spreadAligned, double condAligned, double spreadFa, double condFa) {
        List<CellResult<GradflowExperiment.Flow>> rs = List.of(
                measured("BP", flow(1.1, 3.0, 1.1, 3.0)),
                measured("FA", flow(spreadFa, condFa, 2.0, 5.0)),
                measured("FA a=0.9", flow(spreadAligned, condAligned, 1.2, 3.5)));
        return GradflowExperiment.verdicts(P, rs);
    }

    @Test
    void gradientFlowClaims() {
        List<Verdict> v = gradflow(1.2, 3.0, 1.8, 6.0);
        assertEquals(Outcome.YES, v.get(0).outcome(), v.get(0).measured());
        assertEquals(Outcome.YES, v.get(1).outcome(), "at initialisation: 1.2 < 2.0 and 3.5 < 5.0");
        assertTrue(v.get(0).rule().contains("FA a=0.9") && v.get(0).rule().contains("condition number"), v.get(0).rule());
        // Smoother spread, worse conditioning: partly; both worse: no.
        assertEquals(Outcome.PARTLY, gradflow(1.2, 7.0, 1.8, 6.0).get(0).outcome());
        assertEquals(Outcome.PARTLY, gradflow(2.0, 3.0, 1.8, 6.0).get(0).outcome());
        assertEquals(Outcome.NO, gradflow(1.8, 6.0, 1.8, 6.0).get(0).outcome(), "equal is not smaller");
        // A missing measurement (every aligned cell diverged) cannot decide.
        assertEquals(Outcome.UNDECIDED, gradflow(Double.NaN, 3.0, 1.8, 6.0).get(0).outcome());
    }

    static FlatnessExperiment.Minimum minimum(double top, double trace) {
        return minimum(top, trace, 1.0, 0.9, 0.1, 0.2);
    }

    /** A measured minimum: flatness (top eigenvalue, trace, epsilon-sharpness), train accuracy and loss, test loss. */
    static FlatnessExperiment.Minimum minimum(double top, double trace, double sharpness, double trainAccuracy,
            double trainLoss, double testLoss) {
        return Double.isNaN(top) ? null : new FlatnessExperiment.Minimum(new Lanczos.Result(new double[] {top},
                new double[0], new double[] {0}, new double[0], null, null, 10, 10, true, false),
                new Hutchinson.Trace("hutchinson", trace, 0.1, 10, 0, 10, 0.05, true), null, trainLoss,
                List.of(new WeightNoise.Stat(0, trainLoss, 0, trainAccuracy, 0)), testLoss,
                new Sharpness.Result(trainLoss, trainLoss, sharpness, 1e-3, 20));
    }

    /**
     * Six cells, test accuracy 0.8 each, whose accuracy and loss gaps are gap[i], flatness measures
     * top[i], trace 10 top[i] and sharpness sharp[i].
     */
    static Verdict generalization(double[] top, double[] sharp, double[] gap) {
        List<CellResult<FlatnessExperiment.Minimum>> rs = new ArrayList<>();
        for (int i = 0; i < top.length; i++) {
            CellResult<FlatnessExperiment.Minimum> r = measured(i % 2 == 0 ? "FA" : "FA a=0.9", minimum(1.0, 1.0));
            r.probe = new FlatnessProbe(100, 0.3, 0.8 + gap[i], top[i], true, 10 * top[i], 0.1, sharp[i], 0);
            r.history.set(r.history.size() - 1, new EpochMetrics(1, 0.01, 0.3, 0.8 + gap[i], 0.3 + gap[i], 0.8,
                    new double[] {0}, 0, null));
            rs.add(r);
        }
        List<Verdict> v = FlatnessExperiment.verdicts(P, rs);
        assertEquals(2, v.size());
        return v.get(1);
    }

    @Test
    void generalizationClaim() {
        double[] rising = {1, 2, 3, 4, 5, 6};
        double[] gaps = {0.01, 0.02, 0.03, 0.04, 0.05, 0.06};
        // Every measure ranks the cells as their gaps do: rho 1 with an interval of [1, 1]; yes.
        Verdict v = generalization(rising, rising, gaps);
        assertEquals(Outcome.YES, v.outcome(), v.measured());
        assertTrue(v.measured().contains("accuracy gap vs top eigenvalue: rho 1.000 [1.000, 1.000]"), v.measured());
        assertTrue(v.measured().contains("6 cells"), v.measured());
        // Sharpness against the grain, the Hessian measures with it: partly. All against: no.
        double[] falling = {6, 5, 4, 3, 2, 1};
        assertEquals(Outcome.PARTLY, generalization(rising, falling, gaps).outcome());
        assertEquals(Outcome.NO, generalization(falling, falling, gaps).outcome());
        // Two cells cannot be ranked: undecided.
        assertEquals(Outcome.UNDECIDED, generalization(new double[] {1, 2}, new double[] {1, 2},
                new double[] {0.1, 0.2}).outcome());
    }

    static Verdict flatness(double topAligned, double traceAligned, double topFa, double traceFa) {
        List<CellResult<FlatnessExperiment.Minimum>> rs = List.of(measured("BP", minimum(5.0, 20.0)),
                measured("FA", minimum(topFa, traceFa)), measured("FA a=0.9", minimum(topAligned, traceAligned)));
        List<Verdict> v = FlatnessExperiment.verdicts(P, rs);
        assertEquals(2, v.size());
        return v.get(0);
    }

    @Test
    void flatnessClaim() {
        assertEquals(Outcome.YES, flatness(4.0, 15.0, 8.0, 30.0).outcome());
        assertEquals(Outcome.PARTLY, flatness(4.0, 35.0, 8.0, 30.0).outcome());
        assertEquals(Outcome.PARTLY, flatness(9.0, 15.0, 8.0, 30.0).outcome());
        assertEquals(Outcome.NO, flatness(9.0, 35.0, 8.0, 30.0).outcome());
        assertEquals(Outcome.UNDECIDED, flatness(4.0, 15.0, Double.NaN, 30.0).outcome());
        Verdict noAligned = FlatnessExperiment.verdicts(P.toBuilder().aligns().build(), List.of()).get(0);
        assertEquals(Outcome.UNDECIDED, noAligned.outcome());
        assertEquals("no soft-aligned condition in this preset", noAligned.measured());
    }

    /** An attack report with the given robust accuracy at every eps of the grid. */
    static Robustness.Report attack(double clean, double robust) {
        List<Robustness.Point> points = new ArrayList<>();
        for (double eps : RobustnessExperiment.EPS) {
            points.add(new Robustness.Point(eps, robust, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, eps, 0, 0));
        }
        return new Robustness.Report("pgd", "linf", false, null, 100, 0, clean, points, null, List.of());
    }

    /**
     * A robustness measurement: clean accuracy, robust accuracy (the worst case, which verdict 5 reads;
     * PGD alone left the same) at every eps, mean accuracy under corruption (NaN: not measured).
     */
    static RobustnessExperiment.Attacked attacked(double clean, double robust, double corruption) {
        List<WorstCase.Stages> worst = new ArrayList<>();
        for (double eps : RobustnessExperiment.EPS) {
            worst.add(new WorstCase.Stages(eps, List.of("pgd", "apgd-ce", "apgd-t"), List.of(robust, robust, robust)));
        }
        return new RobustnessExperiment.Attacked(attack(clean, clean), attack(clean, robust), worst,
                new Corruptions.Report(100, clean, 0.5, List.of(), corruption, List.of(), 1));
    }

    /** Figure 5 on P's grid a = 0, 0.5, 1 (100 samples x 1 seed: BP's standard error at 40% is 4.9 points). */
    static List<Verdict> robustness(double bpPgd, double pgd0, double pgd05, double pgd1, double corr0, double corr05,
            double corr1) {
        List<CellResult<RobustnessExperiment.Attacked>> rs = List.of(measured("BP", attacked(0.8, bpPgd, 0.6)),
                measured("FA a=0", attacked(0.7, pgd0, corr0)),
                measured("FA a=0.5", attacked(0.75, pgd05, corr05)),
                measured("FA a=1", attacked(0.8, pgd1, corr1)));
        return RobustnessExperiment.verdicts(P, rs, 10);
    }

    /**
     * With three seeds per condition, claim 5 asks the best a to beat BP by more than the 95 % interval
     * of the difference over seeds (Welch): 10 points with seed sd 2 points clear it (half-width 4.5
     * points, t = 2.78 at 4 df); 10 points with a seed sd of 10 points do not (half-width 24 points),
     * although they clear the binomial standard error the one-seed rule falls back to.
     */
    @Test
    void robustnessClaimOverSeedsUsesTheConfidenceInterval() {
        List<CellResult<RobustnessExperiment.Attacked>> tight = new ArrayList<>();
        List<CellResult<RobustnessExperiment.Attacked>> loose = new ArrayList<>();
        double[] bp = {0.40, 0.42, 0.38};
        double[] a05tight = {0.50, 0.52, 0.48};
        double[] a05loose = {0.60, 0.50, 0.40};
        for (int s = 0; s < 3; s++) {
            for (List<CellResult<RobustnessExperiment.Attacked>> rs : List.of(tight, loose)) {
                rs.add(measured("BP", attacked(0.8, bp[s], 0.6)));
                rs.add(measured("FA a=0", attacked(0.7, 0.2, 0.4)));
                rs.add(measured("FA a=1", attacked(0.8, 0.38, 0.55)));
            }
            tight.add(measured("FA a=0.5", attacked(0.75, a05tight[s], 0.5)));
            loose.add(measured("FA a=0.5", attacked(0.75, a05loose[s], 0.5)));
        }
        Verdict yes = RobustnessExperiment.verdicts(P, tight, 10).get(1);
        assertEquals(Outcome.YES, yes.outcome(), yes.measured());
        assertTrue(yes.measured().contains("95% interval of the difference over seeds +- 4.5 points"), yes.measured());
        Verdict partly = RobustnessExperiment.verdicts(P, loose, 10).get(1);
        assertEquals(Outcome.PARTLY, partly.outcome(), partly.measured());
        assertEquals(0.0453, Stats.welchCi95(a05tight, bp), 5e-4);
        assertEquals(4.303 * 0.02 / Math.sqrt(3), Stats.ci95(bp), 1e-3);
        assertTrue(Double.isNaN(Stats.ci95(new double[] {0.4})));
    }

    @Test
    void robustnessClaims() {
        // a=0.5 beats BP by 10 points (> 4.9) and every a > 0 beats plain FA on corruptions: both yes.
        List<Verdict> v = robustness(0.40, 0.20, 0.50, 0.38, 0.40, 0.50, 0.55);
        assertEquals(Outcome.YES, v.get(0).outcome(), v.get(0).measured());
        assertEquals(Outcome.YES, v.get(1).outcome(), v.get(1).measured());
        assertTrue(v.get(1).measured().contains("best a = 0.5"), v.get(1).measured());
        // Only a=1 beats plain FA under corruption: partly; none does: no.
        assertEquals(Outcome.PARTLY, robustness(0.40, 0.20, 0.50, 0.38, 0.40, 0.35, 0.55).get(0).outcome());
        assertEquals(Outcome.NO, robustness(0.40, 0.20, 0.50, 0.38, 0.40, 0.40, 0.30).get(0).outcome());
        // Best a moderate but within one standard error of BP: partly. Best a = 1 and far ahead: partly.
        assertEquals(Outcome.PARTLY, robustness(0.40, 0.20, 0.42, 0.38, 0.4, 0.5, 0.5).get(1).outcome());
        assertEquals(Outcome.PARTLY, robustness(0.40, 0.20, 0.42, 0.60, 0.4, 0.5, 0.5).get(1).outcome());
        // Best a = 1 and behind BP: no.
        assertEquals(Outcome.NO, robustness(0.40, 0.20, 0.30, 0.38, 0.4, 0.5, 0.5).get(1).outcome());
        // BP not measured: claim 5 undecided; plain FA not measured: claim 4 undecided.
        assertEquals(Outcome.UNDECIDED, robustness(Double.NaN, 0.2, 0.5, 0.38, 0.4, 0.5, 0.5).get(1).outcome());
        assertEquals(Outcome.UNDECIDED, robustness(0.4, 0.2, 0.5, 0.38, Double.NaN, 0.5, 0.5).get(0).outcome());
    }
}
