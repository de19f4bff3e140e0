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

    static final Preset P = new Preset("t", "blobs", 0, 0, 8, new int[] {2, 8}, 1, 8, 3, 1, new double[] {0.9}, 0.01,
            0.9, 10, 0, 2, 100, new double[] {0, 0.5, 1}, 3, "");

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
}
