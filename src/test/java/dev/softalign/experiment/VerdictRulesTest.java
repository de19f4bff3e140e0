package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainConfig;
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

    static CellResult cell(String group, String rule, Double align, int depth, double... trainLossThenAcc) {
        CellResult r = new CellResult();
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
        List<CellResult> rs = new ArrayList<>();
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
        List<CellResult> rs = new ArrayList<>();
        rs.add(cell("BP", "bp", null, 8, 2.3, 1.0, 0.5, 0.4, 0.85));
        rs.add(cell("FA", "fa", null, 8, 2.3, 2.0, 2.2, 1.9, 0.3)); // rises at epoch 2
        rs.add(cell("FA a=0.9", "fa", 0.9, 8, 2.3, 1.1, 0.6, 0.5, 0.84));
        List<Verdict> v = TrainingExperiment.verdicts(P, rs);
        assertEquals(Outcome.YES, v.get(0).outcome(), v.get(0).measured());
        assertEquals(Outcome.YES, v.get(1).outcome(), v.get(1).measured());
        assertEquals(1, TrainingExperiment.rises(rs.get(1)));
        // Aligned FA that diverged: unstable, and infinite loss is not below FA's: no.
        CellResult diverged = cell("FA a=0.9", "fa", 0.9, 8, 2.3, 0.1);
        diverged.status = CellResult.DIVERGED;
        rs.set(2, diverged);
        assertEquals(Outcome.NO, TrainingExperiment.verdicts(P, rs).get(1).outcome());
    }

    /** A measured cell of a group: alternating scalar names and values. */
    static CellResult measured(String group, Object... scalars) {
        CellResult r = cell(group, group.equals("BP") ? "bp" : "fa", null, 2, 1, 0.5);
        for (int i = 0; i < scalars.length; i += 2) {
            r.scalars.put((String) scalars[i], ((Number) scalars[i + 1]).doubleValue());
        }
        return r;
    }

    /** Figure 3: FA a=0.9 against FA on the spread of the backward signal and the Jacobian condition. */
    static List<Verdict> gradflow(double spreadAligned, double condAligned, double spreadFa, double condFa) {
        String s = GradflowExperiment.SPREAD;
        String c = GradflowExperiment.COND;
        String i = GradflowExperiment.INIT;
        List<CellResult> rs = List.of(
                measured("BP", s, 1.1, c, 3.0, s + i, 1.1, c + i, 3.0),
                measured("FA", s, spreadFa, c, condFa, s + i, 2.0, c + i, 5.0),
                measured("FA a=0.9", s, spreadAligned, c, condAligned, s + i, 1.2, c + i, 3.5));
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

    static Verdict flatness(double topAligned, double traceAligned, double topFa, double traceFa) {
        String t = FlatnessExperiment.TOP;
        String r = FlatnessExperiment.TRACE;
        List<CellResult> rs = List.of(measured("BP", t, 5.0, r, 20.0), measured("FA", t, topFa, r, traceFa),
                measured("FA a=0.9", t, topAligned, r, traceAligned));
        List<Verdict> v = FlatnessExperiment.verdicts(P, rs);
        assertEquals(1, v.size());
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

    /** Figure 5 on P's grid a = 0, 0.5, 1 (100 samples x 1 seed: BP's standard error at 40% is 4.9 points). */
    static List<Verdict> robustness(double bpPgd, double pgd0, double pgd05, double pgd1, double corr0, double corr05,
            double corr1) {
        String pgd = RobustnessExperiment.WORST_REF;
        String corr = RobustnessExperiment.CORRUPTION_MEAN;
        String clean = RobustnessExperiment.CLEAN;
        List<CellResult> rs = List.of(measured("BP", pgd, bpPgd, corr, 0.6, clean, 0.8),
                measured("FA a=0", pgd, pgd0, corr, corr0, clean, 0.7),
                measured("FA a=0.5", pgd, pgd05, corr, corr05, clean, 0.75),
                measured("FA a=1", pgd, pgd1, corr, corr1, clean, 0.8));
        return RobustnessExperiment.verdicts(P, rs, 10);
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
