package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.analysis.GradientFlowReport;
import dev.softalign.attack.Corruption;
import dev.softalign.attack.WorstCase;
import dev.softalign.io.Json;
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
    static <M> Run<M> runTwice(Experiment<M> e, Path out, int figures) throws Exception {
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
        // What the report used is what result.json reads back as the experiment's record.
        List<CellResult<M>> stored = Sweep.plan(e, e.cells(P), new CellStore(out.resolve(e.id()).resolve("cells"),
                CodeVersion.current())).stored();
        for (int i = 0; i < cells; i++) {
            CellResult<?> r = d.outcome().results().get(i);
            assertFalse(r.diverged(), r.id);
            assertNotNull(r.measured, r.id);
            assertEquals(e.measurement(), stored.get(i).measured.getClass());
            assertEquals(Json.COMPACT.toJson(r.measured), Json.COMPACT.toJson(stored.get(i).measured));
        }

        Path cellDir = out.resolve(e.id()).resolve("cells");
        Map<String, FileTime> before = ReproduceTest.cellFiles(cellDir);
        Reproduce.Done again = Reproduce.run(List.of(e), P, out, ImageFormat.PNG, 1, null).get(0);
        assertEquals(0, again.outcome().ran());
        assertEquals(cells, again.outcome().reused());
        assertEquals(before, ReproduceTest.cellFiles(cellDir));
        assertEquals(d.verdicts(), again.verdicts());
        return new Run<>(stored, d.verdicts());
    }

    /** An experiment's results as its own records, and its verdicts. */
    record Run<M>(List<CellResult<M>> results, List<Verdict> verdicts) {
    }

    static <M> double mean(List<CellResult<M>> rs, String group, java.util.function.ToDoubleFunction<M> f) {
        return Stats.mean(rs.stream().filter(r -> r.group().equals(group)).mapToDouble(r -> r.value(f)).toArray());
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
        Run<GradflowExperiment.Flow> d = runTwice(new GradflowExperiment(), out, 8);
        List<CellResult<GradflowExperiment.Flow>> rs = d.results();
        int layers = P.curveDepth() + 1;
        for (CellResult<GradflowExperiment.Flow> r : rs) {
            for (GradientFlowReport f : List.of(r.measured.trained(), r.measured.init())) {
                assertEquals(layers, f.deltaNormRule().length);
                assertEquals(layers, f.jacobianConditionRule().length);
                // Every rule's last layer sees the output error itself.
                assertEquals(1.0, f.gradCosine()[layers - 1], 1e-9);
                if (r.group().equals("BP")) {
                    assertTrue(java.util.Arrays.equals(f.deltaNormTrue(), f.deltaNormRule()), "BP's rule path is the true path");
                }
            }
        }
        GradflowExperiment.When init = GradflowExperiment.When.INIT;
        // At initialisation with a = 0.9 the feedback is close to W: the update follows the gradient closely.
        assertTrue(mean(rs, "FA a=0.9", init.cosine()) > mean(rs, "FA", init.cosine()));
        assertEquals(3, d.verdicts().size());
        // Sharpness along training: one row per cell and epoch, the stored trajectories' numbers.
        List<String> csv = Files.readAllLines(out.resolve("gradflow/sharpness-vs-epoch.csv"));
        assertEquals("condition,seed,epoch,top_eigenvalue", csv.get(0));
        assertEquals(rs.size() * (P.epochs() + 1), csv.size() - 1);
        for (int i = 0; i < rs.size(); i++) {
            double[] top = rs.get(i).measured.sharpness().topEigenvalues();
            assertEquals(P.epochs() + 1, top.length);
            for (int e = 0; e < top.length; e++) {
                String[] row = csv.get(1 + i * top.length + e).split(",");
                assertEquals(rs.get(i).group(), row[0]);
                assertEquals(Long.toString(rs.get(i).config.seed), row[1]);
                assertEquals(Integer.toString(e), row[2]);
                assertEquals(top[e], Double.parseDouble(row[3]), 1e-9 * Math.abs(top[e]));
                assertTrue(top[e] > 0, "a trained cross-entropy net's Hessian has a positive top eigenvalue");
            }
        }
        for (GradflowExperiment.When when : GradflowExperiment.When.values()) {
            Verdict v = claim(d.verdicts(), "4. Initial alignment gives smoother gradient flow than plain FA ("
                    + when.label);
            assertTrue(decided(v), v.toString());
            // The summaries the verdict compares, recomputed here from the stored per-layer arrays.
            double sA = mean(rs, "FA a=0.9", f -> Analyses.spread(when.of.apply(f).deltaNormRule()));
            double sF = mean(rs, "FA", f -> Analyses.spread(when.of.apply(f).deltaNormRule()));
            double cA = mean(rs, "FA a=0.9", f -> Analyses.geometricMean(when.of.apply(f).jacobianConditionRule()));
            double cF = mean(rs, "FA", f -> Analyses.geometricMean(when.of.apply(f).jacobianConditionRule()));
            assertTrue(v.measured().contains("FA a=0.9: spread " + Fmt.num(sA) + ", condition " + Fmt.num(cA)), v.measured());
            assertTrue(v.measured().contains("; FA: spread " + Fmt.num(sF) + ", condition " + Fmt.num(cF)), v.measured());
            int hits = (sA < sF ? 1 : 0) + (cA < cF ? 1 : 0);
            assertEquals(hits == 2 ? Verdict.Outcome.YES : hits == 1 ? Verdict.Outcome.PARTLY : Verdict.Outcome.NO,
                    v.outcome());
        }
    }

    @Test
    void flatness(@TempDir Path out) throws Exception {
        Run<FlatnessExperiment.Minimum> d = runTwice(new FlatnessExperiment(), out, 5);
        List<CellResult<FlatnessExperiment.Minimum>> rs = d.results();
        for (CellResult<FlatnessExperiment.Minimum> r : rs) {
            double top = r.measured.topEigenvalue();
            assertTrue(top > 0 && Double.isFinite(top), r.id + " top " + top);
            assertTrue(r.measured.trace().stderr() >= 0);
            assertEquals(FlatnessExperiment.SIGMAS.length, r.measured.noiseLoss().length);
            assertEquals(r.measured.density().grid().length, r.measured.density().values().length);
        }
        Verdict v = claim(d.verdicts(), "4. Initial alignment converges to flatter minima");
        assertTrue(decided(v), v.toString());
        double tA = mean(rs, "FA a=0.9", FlatnessExperiment.Minimum::topEigenvalue);
        double tF = mean(rs, "FA", FlatnessExperiment.Minimum::topEigenvalue);
        double rA = mean(rs, "FA a=0.9", m -> m.trace().mean());
        double rF = mean(rs, "FA", m -> m.trace().mean());
        assertTrue(v.measured().contains("FA a=0.9: top " + Fmt.num(tA) + ", trace " + Fmt.num(rA)), v.measured());
        assertTrue(v.measured().contains("FA: top " + Fmt.num(tF) + ", trace " + Fmt.num(rF)), v.measured());
        int hits = (tA < tF ? 1 : 0) + (rA < rF ? 1 : 0);
        assertEquals(hits == 2 ? Verdict.Outcome.YES : hits == 1 ? Verdict.Outcome.PARTLY : Verdict.Outcome.NO,
                v.outcome());
        // Flatness against generalization across cells: the table's correlations are those of the per-cell CSV.
        claim(d.verdicts(), "4. Flatter minima go with better generalization");
        List<String> cells = Files.readAllLines(out.resolve("flatness/generalization-gap.csv"));
        assertEquals("experiment,cell,condition,depth,seed,gap_accuracy,gap_loss,top_eigenvalue,trace,sharpness",
                cells.get(0));
        assertEquals(rs.size() + 1, cells.size());
        double[][] columns = new double[5][rs.size()];
        for (int i = 0; i < rs.size(); i++) {
            String[] row = cells.get(i + 1).split(",");
            assertEquals(rs.get(i).id, row[1]);
            for (int c = 0; c < 5; c++) {
                columns[c][i] = Double.parseDouble(row[c + 5]);
            }
            FlatnessProbe probe = rs.get(i).probe;
            assertEquals(probe.topEigenvalue(), columns[2][i], 1e-9 * Math.abs(columns[2][i]));
            assertEquals(probe.subsetAccuracy() - rs.get(i).last().testAccuracy(), columns[0][i], 1e-12);
            assertEquals(rs.get(i).last().testLoss() - probe.subsetLoss(), columns[1][i], 1e-12);
        }
        List<String> table = Files.readAllLines(out.resolve("flatness/generalization.csv"));
        assertEquals("cells,gap,flatness measure,spearman,ci95_low,ci95_high,pairs", table.get(0));
        assertEquals(7, table.size(), "2 gaps x 3 measures");
        String[] first = table.get(1).split(",");
        assertEquals("flatness", first[0]);
        assertEquals("accuracy gap", first[1]);
        assertEquals("top eigenvalue", first[2]);
        double rho = Stats.spearman(columns[2], columns[0]);
        if (Double.isNaN(rho)) {
            assertTrue(first[3].isEmpty() || first[3].equals("NaN"), table.get(1));
        } else {
            assertEquals(rho, Double.parseDouble(first[3]), 1e-12);
        }
    }

    @Test
    void robustness(@TempDir Path out) throws Exception {
        RobustnessExperiment e = new RobustnessExperiment();
        assertEquals(1 + P.robustAligns().length, e.cells(P).size(), "BP and one cell per a");
        Run<RobustnessExperiment.Attacked> d = runTwice(e, out, 5);
        List<CellResult<RobustnessExperiment.Attacked>> rs = d.results();
        for (CellResult<RobustnessExperiment.Attacked> r : rs) {
            RobustnessExperiment.Attacked m = r.measured;
            assertEquals(RobustnessExperiment.EPS.length, m.pgd().results().size());
            for (int i = 0; i < RobustnessExperiment.EPS.length; i++) {
                assertTrue(m.pgd().results().get(i).robustAccuracy() <= m.clean()
                        && m.fgsm().results().get(i).robustAccuracy() <= m.clean());
            }
            // The worst case over more attacks can only be lower: PGD alone >= PGD or APGD-CE >= all three.
            for (WorstCase.Stages w : m.worst()) {
                assertEquals(List.of("pgd", "apgd-ce", "apgd-t"), w.attacks());
                List<Double> acc = w.accuracy();
                assertTrue(acc.get(2) <= acc.get(1) && acc.get(1) <= acc.get(0) && acc.get(0) <= m.clean(), w.toString());
            }
            assertEquals(m.worst().get(Arrays.binarySearch(RobustnessExperiment.EPS, RobustnessExperiment.REF_EPS)).worst(),
                    m.robustRef());
            WorstCase.Stages largest = m.worst().get(m.worst().size() - 1);
            assertTrue(largest.worst() < largest.accuracy().get(0) || largest.accuracy().get(0) == 0,
                    "APGD breaks samples PGD left at the largest eps: " + largest);
            assertEquals(5, m.perSeverity().length);
            // Blobs are not images: blur is skipped, the mean is over the other types.
            assertTrue(Double.isNaN(m.corruption(Corruption.GAUSSIAN_BLUR)));
            assertTrue(Double.isFinite(m.corruptionMean()));
        }
        Verdict v4 = claim(d.verdicts(), "4. Robustness to input corruptions");
        Verdict v5 = claim(d.verdicts(), "5. Moderate deviation from exact symmetry");
        assertTrue(decided(v4) && decided(v5), d.verdicts().toString());
        double zero = mean(rs, "FA a=0", RobustnessExperiment.Attacked::corruptionMean);
        int better = 0;
        for (double a : new double[] {0.5, 1}) {
            double c = mean(rs, Groups.aligned(a), RobustnessExperiment.Attacked::corruptionMean);
            assertTrue(v4.measured().contains(Groups.aligned(a) + " " + Fmt.pct(c)), v4.measured());
            better += c > zero ? 1 : 0;
        }
        assertEquals(better == 2 ? Verdict.Outcome.YES : better == 1 ? Verdict.Outcome.PARTLY : Verdict.Outcome.NO,
                v4.outcome());
        double bp = mean(rs, "BP", RobustnessExperiment.Attacked::robustRef);
        assertTrue(v5.measured().startsWith("BP " + Fmt.pct(bp)), v5.measured());
        double best = -1;
        double bestA = -1;
        for (double a : P.robustAligns()) {
            double v = mean(rs, Groups.aligned(a), RobustnessExperiment.Attacked::robustRef);
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
