package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.report.ImageFormat;
import dev.softalign.report.ReportTest;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures 3-5 on the tiny test preset: each runs, writes an offline report whose verdicts are
 * computed from the stored cell results, and a second run reuses every cell.
 */
class AnalysisExperimentsTest {

    static final Preset P = Preset.TEST.withSeeds(1);

    /** Runs e, checks the report, reruns it and checks that nothing was recomputed; returns the first run. */
    static Reproduce.Done runTwice(Experiment e, Path out, int figures) throws Exception {
        Reproduce.Done d = Reproduce.run(List.of(e), P, out, ImageFormat.PNG, 2, null).get(0);
        int cells = e.cells(P).size();
        assertEquals(cells, d.outcome().ran());
        Document doc = ReportTest.checkOffline(d.index());
        assertEquals(figures, doc.select("figure img").size(), "figures");
        for (Element img : doc.select("figure img")) {
            String csv = img.attr("src").replace(".png", ".csv");
            assertTrue(Files.size(d.index().getParent().resolve(csv)) > 0, "data beside " + img.attr("src"));
        }
        Element verdict = doc.select("table.verdict").first();
        assertNotNull(verdict);
        assertEquals(d.verdicts().size(), verdict.select("tbody tr").size());
        for (Element row : verdict.select("tbody tr")) {
            assertTrue(row.select("td").get(1).text().contains("yes if"), "the rule is stated");
        }
        for (CellResult r : d.outcome().results()) {
            assertFalse(r.diverged(), r.id);
            assertEquals(r.scalars, CellStore.read(out.resolve(e.id()).resolve("cells").resolve(r.id).resolve(CellStore.RESULT)).scalars);
        }

        Path cellDir = out.resolve(e.id()).resolve("cells");
        Map<String, FileTime> before = ReproduceTest.cellFiles(cellDir);
        Reproduce.Done again = Reproduce.run(List.of(e), P, out, ImageFormat.PNG, 1, null).get(0);
        assertEquals(0, again.outcome().ran());
        assertEquals(cells, again.outcome().reused());
        assertEquals(before, ReproduceTest.cellFiles(cellDir));
        assertEquals(d.verdicts(), again.verdicts());
        return d;
    }

    static double mean(List<CellResult> rs, String group, String scalar) {
        return Stats.mean(rs.stream().filter(r -> r.group().equals(group)).mapToDouble(r -> r.scalar(scalar)).toArray());
    }

    static Verdict claim(List<Verdict> vs, String prefix) {
        return vs.stream().filter(v -> v.claim().startsWith(prefix)).findFirst().orElseThrow(() ->
                new AssertionError("no verdict for claim " + prefix + " in " + vs));
    }

    static boolean decided(Verdict v) {
        return v.outcome() != Verdict.Outcome.UNDECIDED;
    }

    @Test
    void gradientFlow(@TempDir Path out) throws Exception {
        GradflowExperiment e = new GradflowExperiment();
        Reproduce.Done d = runTwice(e, out, 6);
        List<CellResult> rs = d.outcome().results();
        int layers = P.curveDepth() + 1;
        for (CellResult r : rs) {
            for (String s : new String[] {"", GradflowExperiment.INIT}) {
                double[] delta = r.arrays.get(GradflowExperiment.DELTA_RULE + s);
                assertEquals(layers, delta.length);
                // The stored summaries are what the arrays give.
                assertEquals(Analyses.spread(delta), r.scalar(GradflowExperiment.SPREAD + s), 0.0);
                assertEquals(Analyses.geometricMean(r.arrays.get(GradflowExperiment.JAC_COND + s)),
                        r.scalar(GradflowExperiment.COND + s), 0.0);
                // Every rule's last layer sees the output error itself.
                assertEquals(1.0, r.arrays.get(GradflowExperiment.COSINE + s)[layers - 1], 1e-9);
            }
            if (r.group().equals("BP")) {
                assertTrue(java.util.Arrays.equals(r.arrays.get(GradflowExperiment.DELTA_TRUE),
                        r.arrays.get(GradflowExperiment.DELTA_RULE)), "BP's rule path is the true path");
            }
        }
        // At initialisation with a = 0.9 the feedback is close to W: the update follows the gradient closely.
        assertTrue(mean(rs, "FA a=0.9", GradflowExperiment.MEAN_COS + GradflowExperiment.INIT)
                > mean(rs, "FA", GradflowExperiment.MEAN_COS + GradflowExperiment.INIT));
        assertEquals(2, d.verdicts().size());
        for (String s : new String[] {"", GradflowExperiment.INIT}) {
            Verdict v = claim(d.verdicts(), "4. Initial alignment gives smoother gradient flow than plain FA ("
                    + (s.isEmpty() ? "after training" : "at initialisation"));
            assertTrue(decided(v), v.toString());
            double sA = mean(rs, "FA a=0.9", GradflowExperiment.SPREAD + s);
            double sF = mean(rs, "FA", GradflowExperiment.SPREAD + s);
            double cA = mean(rs, "FA a=0.9", GradflowExperiment.COND + s);
            double cF = mean(rs, "FA", GradflowExperiment.COND + s);
            assertTrue(v.measured().contains("FA a=0.9: spread " + Fmt.num(sA) + ", condition " + Fmt.num(cA)), v.measured());
            assertTrue(v.measured().contains("; FA: spread " + Fmt.num(sF) + ", condition " + Fmt.num(cF)), v.measured());
            int hits = (sA < sF ? 1 : 0) + (cA < cF ? 1 : 0);
            assertEquals(hits == 2 ? Verdict.Outcome.YES : hits == 1 ? Verdict.Outcome.PARTLY : Verdict.Outcome.NO,
                    v.outcome());
        }
    }

    @Test
    void flatness(@TempDir Path out) throws Exception {
        FlatnessExperiment e = new FlatnessExperiment();
        Reproduce.Done d = runTwice(e, out, 5);
        List<CellResult> rs = d.outcome().results();
        for (CellResult r : rs) {
            double top = r.scalar(FlatnessExperiment.TOP);
            assertTrue(top > 0 && Double.isFinite(top), r.id + " top " + top);
            assertTrue(r.scalar("hessian_trace_stderr") >= 0);
            assertEquals(FlatnessExperiment.SIGMAS.length, r.arrays.get("noise_loss").length);
            assertEquals(r.arrays.get("density_grid").length, r.arrays.get("density").length);
        }
        Verdict v = claim(d.verdicts(), "4. Initial alignment converges to flatter minima");
        assertTrue(decided(v), v.toString());
        double tA = mean(rs, "FA a=0.9", FlatnessExperiment.TOP);
        double tF = mean(rs, "FA", FlatnessExperiment.TOP);
        double rA = mean(rs, "FA a=0.9", FlatnessExperiment.TRACE);
        double rF = mean(rs, "FA", FlatnessExperiment.TRACE);
        assertTrue(v.measured().contains("FA a=0.9: top " + Fmt.num(tA) + ", trace " + Fmt.num(rA)), v.measured());
        assertTrue(v.measured().contains("FA: top " + Fmt.num(tF) + ", trace " + Fmt.num(rF)), v.measured());
        int hits = (tA < tF ? 1 : 0) + (rA < rF ? 1 : 0);
        assertEquals(hits == 2 ? Verdict.Outcome.YES : hits == 1 ? Verdict.Outcome.PARTLY : Verdict.Outcome.NO,
                v.outcome());
    }

    @Test
    void robustness(@TempDir Path out) throws Exception {
        RobustnessExperiment e = new RobustnessExperiment();
        assertEquals(1 + P.robustAligns().length, e.cells(P).size(), "BP and one cell per a");
        Reproduce.Done d = runTwice(e, out, 5);
        List<CellResult> rs = d.outcome().results();
        for (CellResult r : rs) {
            double[] pgd = r.arrays.get(RobustnessExperiment.PGD);
            double[] fgsm = r.arrays.get(RobustnessExperiment.FGSM);
            assertEquals(RobustnessExperiment.EPS.length, pgd.length);
            double[] withCe = r.arrays.get(RobustnessExperiment.PGD_APGD_CE);
            double[] worst = r.arrays.get(RobustnessExperiment.WORST);
            for (int i = 0; i < pgd.length; i++) {
                assertTrue(pgd[i] <= r.scalar(RobustnessExperiment.CLEAN) && fgsm[i] <= r.scalar(RobustnessExperiment.CLEAN));
                // The worst case over more attacks can only be lower: PGD >= PGD or APGD-CE >= all three.
                assertTrue(worst[i] <= withCe[i] && withCe[i] <= pgd[i], Arrays.toString(worst) + " " + Arrays.toString(pgd));
            }
            assertTrue(worst[worst.length - 1] < pgd[pgd.length - 1] || pgd[pgd.length - 1] == 0,
                    "APGD breaks samples PGD left at the largest eps: " + Arrays.toString(worst) + " " + Arrays.toString(pgd));
            assertEquals(worst[Arrays.binarySearch(RobustnessExperiment.EPS, RobustnessExperiment.REF_EPS)],
                    r.scalar(RobustnessExperiment.WORST_REF));
            assertEquals(5, r.arrays.get(RobustnessExperiment.CORRUPTION).length);
            // Blobs are not images: blur is skipped, the mean is over the other types.
            assertTrue(Double.isNaN(r.scalar("corruption_gaussian-blur")));
            assertTrue(Double.isFinite(r.scalar(RobustnessExperiment.CORRUPTION_MEAN)));
        }
        Verdict v4 = claim(d.verdicts(), "4. Robustness to input corruptions");
        Verdict v5 = claim(d.verdicts(), "5. Moderate deviation from exact symmetry");
        assertTrue(decided(v4) && decided(v5), d.verdicts().toString());
        double zero = mean(rs, "FA a=0", RobustnessExperiment.CORRUPTION_MEAN);
        int better = 0;
        for (double a : new double[] {0.5, 1}) {
            double c = mean(rs, Groups.aligned(a), RobustnessExperiment.CORRUPTION_MEAN);
            assertTrue(v4.measured().contains(Groups.aligned(a) + " " + Fmt.pct(c)), v4.measured());
            better += c > zero ? 1 : 0;
        }
        assertEquals(better == 2 ? Verdict.Outcome.YES : better == 1 ? Verdict.Outcome.PARTLY : Verdict.Outcome.NO,
                v4.outcome());
        double bp = mean(rs, "BP", RobustnessExperiment.WORST_REF);
        assertTrue(v5.measured().startsWith("BP " + Fmt.pct(bp)), v5.measured());
        double best = -1;
        double bestA = -1;
        for (double a : P.robustAligns()) {
            double v = mean(rs, Groups.aligned(a), RobustnessExperiment.WORST_REF);
            assertTrue(v5.measured().contains(Groups.aligned(a) + " " + Fmt.pct(v)), v5.measured());
            if (v > best) {
                best = v;
                bestA = a;
            }
        }
        int hits = (bestA > 0 && bestA < 1 ? 1 : 0)
                + (best - bp > RobustnessExperiment.stderr(bp, P.analysisSamples() * P.seeds()) ? 1 : 0);
        assertEquals(hits == 2 ? Verdict.Outcome.YES : hits == 1 ? Verdict.Outcome.PARTLY : Verdict.Outcome.NO,
                v5.outcome());
    }
}
