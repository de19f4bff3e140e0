package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.analysis.Hessian;
import dev.softalign.analysis.Hutchinson;
import dev.softalign.analysis.Lanczos;
import dev.softalign.analysis.Sharpness;
import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.nn.Dtype;
import dev.softalign.nn.Evaluation;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.ModelFile;
import dev.softalign.report.ImageFormat;
import dev.softalign.report.ReportTest;
import dev.softalign.report.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproduceTest {

    /** Every file in every cell folder, with its modification time. */
    static Map<String, FileTime> cellFiles(Path dir) throws IOException {
        Map<String, FileTime> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.getLastModifiedTime(p));
            }
        }
        return m;
    }

    @Test
    void runsResumesWithoutRerunningAndIsIndependentOfScheduling(@TempDir Path out) throws Exception {
        List<Reproduce.Done> first = Reproduce.run(Experiments.ALL, Preset.TEST, out, ImageFormat.PNG, 2, null);
        assertEquals(Experiments.ALL.size(), first.size());
        assertEquals(5, first.size(), "figures 1-5");
        Reproduce.Done depth = first.get(0);
        int cells = new DepthExperiment().cells(Preset.TEST).size();
        assertEquals(3 * 2 * 2, cells, "3 conditions x 2 depths x 2 seeds");
        assertEquals(cells, depth.outcome().ran());
        assertEquals(0, depth.outcome().reused());

        for (Reproduce.Done d : first) {
            Document doc = ReportTest.checkOffline(d.index());
            Element verdict = doc.select("table.verdict").first();
            assertEquals(d.verdicts().size(), verdict.select("tbody tr").size());
            assertTrue(d.verdicts().size() >= 1);
            for (Element row : verdict.select("tbody tr")) {
                assertTrue(List.of("yes", "no", "partly", "undecided").contains(row.select("td").get(3).text()));
                assertTrue(row.select("td").get(1).text().contains("yes if"), "the rule is stated");
            }
            assertTrue(doc.select("figure img").size() >= 2);
        }
        ReportTest.checkOffline(out.resolve("index.html"));
        trajectoryCsvs(out.resolve("training"));

        // A second run reads every cell back: nothing is recomputed, no cell file is rewritten.
        Path cellDir = out.resolve("depth/cells");
        Map<String, FileTime> before = cellFiles(cellDir);
        assertEquals(cells, before.keySet().stream().filter(n -> n.endsWith("/" + CellStore.RESULT)).count());
        for (String f : List.of("config.json", "metrics.csv", "model.safetensors", CellStore.RESULT)) {
            assertEquals(cells, before.keySet().stream().filter(n -> n.endsWith("/" + f)).count(), f);
        }
        List<Reproduce.Done> again = Reproduce.run(Experiments.ALL, Preset.TEST, out, ImageFormat.PNG, 2, null);
        for (Reproduce.Done d : again) {
            assertEquals(0, d.outcome().ran(), d.experiment().id());
        }
        assertEquals(cells, again.get(0).outcome().reused());
        assertEquals(before, cellFiles(cellDir));
        assertEquals(first.get(0).verdicts(), again.get(0).verdicts());

        // Deleting one result reruns that cell only, on one thread this time, with the same numbers.
        String victim = before.keySet().stream().filter(n -> n.startsWith("fa-a0.9-d3-s2")).findFirst().orElseThrow()
                .replaceAll("/.*", "");
        CellResult<?> old = CellStore.read(cellDir.resolve(victim).resolve(CellStore.RESULT));
        byte[] oldModel = Files.readAllBytes(cellDir.resolve(victim).resolve("model.safetensors"));
        Files.delete(cellDir.resolve(victim).resolve(CellStore.RESULT));
        Reproduce.Done redo = Reproduce.run(List.of(new DepthExperiment()), Preset.TEST, out, ImageFormat.PNG, 1, null).get(0);
        assertEquals(1, redo.outcome().ran());
        CellResult<?> now = CellStore.read(cellDir.resolve(victim).resolve(CellStore.RESULT));
        org.junit.jupiter.api.Assertions.assertArrayEquals(oldModel,
                Files.readAllBytes(cellDir.resolve(victim).resolve("model.safetensors")), "the same model, bit for bit");
        assertEquals(old.history.size(), now.history.size());
        for (int e = 0; e < old.history.size(); e++) {
            assertEquals(old.history.get(e).trainLoss(), now.history.get(e).trainLoss(), 0.0);
            assertEquals(old.history.get(e).testAccuracy(), now.history.get(e).testAccuracy(), 0.0);
        }
    }

    /** Figure 2's trajectory CSVs: a row per cell and epoch, a row per cell and grid point, ending on the grid's origin. */
    static void trajectoryCsvs(Path training) throws Exception {
        Preset p = Preset.TEST;
        int cells = new TrainingExperiment().cells(p).size();
        assertEquals(3 * 2, cells, "BP, FA, FA a=0.9 x 2 seeds");
        List<String> path = Files.readAllLines(training.resolve("trajectory-path.csv"));
        assertEquals("condition,seed,epoch,x,y,loss", path.get(0));
        assertEquals(cells * (p.curveEpochs() + 1), path.size() - 1);
        List<String> surface = Files.readAllLines(training.resolve("trajectory-surface.csv"));
        assertEquals("condition,seed,alpha,beta,loss", surface.get(0));
        int points = TrainingExperiment.SURFACE_POINTS;
        assertEquals(cells * points * points, surface.size() - 1);
        for (int c = 0; c < cells; c++) {
            String[] end = path.get(1 + c * (p.curveEpochs() + 1) + p.curveEpochs()).split(",");
            assertEquals(Integer.toString(p.curveEpochs()), end[2]);
            assertEquals(0, Double.parseDouble(end[3]), 0.0, "the path ends at the origin");
            String origin = surface.stream().skip(1).filter(l -> l.startsWith(end[0] + "," + end[1] + ","))
                    .map(l -> l.split(",")).filter(f -> Double.parseDouble(f[2]) == 0 && Double.parseDouble(f[3]) == 0)
                    .findFirst().orElseThrow()[4];
            assertEquals(Double.parseDouble(end[5]), Double.parseDouble(origin), 0.0, "the surface at (0, 0) is w_n's loss");
        }
        Document doc = ReportTest.checkOffline(training.resolve("index.html"));
        assertEquals(3, doc.select("figure[id^=trajectory-]").size(), "one panel per condition");
        assertTrue(doc.select("table.verdict tbody tr").text().contains("loss landscape along the trajectory"));
    }

    @Test
    void moreSeedsMakeNewCellsAndKeepTheOldOnes(@TempDir Path out) {
        Preset one = Preset.TEST.withSeeds(1);
        Reproduce.Done a = Reproduce.run(List.of(new DepthExperiment()), one, out, ImageFormat.PNG, 2, null).get(0);
        assertEquals(6, a.outcome().ran());
        Reproduce.Done b = Reproduce.run(List.of(new DepthExperiment()), Preset.TEST, out, ImageFormat.PNG, 2, null).get(0);
        assertEquals(6, b.outcome().ran());
        assertEquals(6, b.outcome().reused());
    }

    @Test
    void theGeneralizationReadingCoversEveryCellOfEveryExperimentRun(@TempDir Path out) throws Exception {
        Preset one = Preset.TEST.withSeeds(1);
        List<Experiment<?>> two = List.of(new DepthExperiment(), new FlatnessExperiment());
        List<Reproduce.Done> done = Reproduce.run(two, one, out, ImageFormat.PNG, 2, null);
        List<String> csv = Files.readAllLines(out.resolve("generalization/generalization-all.csv"));
        assertEquals("experiment,cell,condition,depth,seed,gap_accuracy,gap_loss,top_eigenvalue,trace,sharpness",
                csv.get(0));
        int cells = two.get(0).cells(one).size() + two.get(1).cells(one).size();
        assertEquals(cells + 1, csv.size(), "one row per cell of both experiments");
        // A depth cell's probe is what Lanczos, Hutch++ and Sharpness give on its stored model directly.
        CellResult<?> r = done.get(0).outcome().results().get(0);
        String[] row = csv.stream().filter(l -> l.startsWith("depth," + r.id + ",")).findFirst().orElseThrow().split(",");
        Split data = one.load();
        Dataset subset = data.train().first(one.analysisSamples());
        Mlp net = ModelFile.load(out.resolve("depth/cells/" + r.id + "/model.safetensors"),
                MatMul.withThreads(1).withDtype(Dtype.F64)).net();
        Hessian h = Hessian.of(net, subset);
        double top = Lanczos.create().top(1).tol(FlatnessProbe.TOL).maxSteps(FlatnessProbe.MAX_STEPS).seed(r.config.seed)
                .run(h).top()[0];
        double trace = Hutchinson.create().sketch(FlatnessProbe.TRACE_SKETCH).minSamples(FlatnessProbe.TRACE_MIN)
                .maxSamples(FlatnessProbe.TRACE_MAX).target(FlatnessProbe.TRACE_TARGET).seed(r.config.seed).run(h).mean();
        double sharp = Sharpness.create().steps(FlatnessProbe.SHARPNESS_STEPS).run(net, subset).sharpness();
        Evaluation train = Evaluation.of(net, subset);
        assertEquals(top, Double.parseDouble(row[7]), 1e-9 * Math.abs(top));
        assertEquals(trace, Double.parseDouble(row[8]), 1e-9 * Math.abs(trace));
        assertEquals(sharp, Double.parseDouble(row[9]), 1e-9 * Math.abs(sharp) + 1e-15);
        assertEquals(train.accuracy() - r.last().testAccuracy(), Double.parseDouble(row[5]), 1e-12);
        assertEquals(r.last().testLoss() - train.loss(), Double.parseDouble(row[6]), 1e-12);
        assertEquals(Integer.toString(r.config.depth), row[3]);
        // The verdict is on the top overview and its verdicts.csv; the report says the verdict reads the pooled rho.
        assertTrue(Files.readString(out.resolve("verdicts.csv")).contains("generalization,\"4. Flatter minima go with "
                + "better generalization"));
        assertTrue(Files.readString(out.resolve("index.html")).contains("generalization/index.html"));
        List<String> rhos = Files.readAllLines(out.resolve("generalization/generalization.csv"));
        assertEquals(1 + 3 * 6, rhos.size(), "pooled, depth and flatness: 2 gaps x 3 measures each");
        assertTrue(rhos.get(1).startsWith("pooled,accuracy gap,top eigenvalue,"), rhos.get(1));
        assertTrue(Files.readString(out.resolve("generalization/verdict.csv")).contains("pooled over all cells"));

        // A cell stored by older code, without a probe, is listed with empty values, not fatal.
        Path stored = out.resolve("flatness/cells/" + done.get(1).outcome().results().get(0).id + "/" + CellStore.RESULT);
        com.google.gson.JsonObject json = com.google.gson.JsonParser.parseString(Files.readString(stored)).getAsJsonObject();
        json.remove("probe");
        json.addProperty("code", "older");
        Files.writeString(stored, json.toString());
        Reproduce.acrossCells(one, out, ImageFormat.PNG, null);
        List<String> again = Files.readAllLines(out.resolve("generalization/generalization-all.csv"));
        assertEquals(cells + 1, again.size());
        String old = again.stream().filter(l -> l.startsWith("flatness,")).findFirst().orElseThrow();
        assertTrue(old.endsWith(",,,,,"), old);
    }

    static Preset wild(double lr) {
        return Preset.builder("wild", "blobs").trainSamples(200).testSamples(100).width(16).depths(3).epochs(3)
                .curveDepth(3).curveEpochs(3).seeds(1).aligns(0.5).lr(lr).momentum(0.9).batch(20).analysisDepth(3)
                .analysisSamples(50).robustAligns(0, 1).pgdSteps(2).build();
    }

    @Test
    void aCellWithANonFiniteLossIsRecordedAsDivergedNotFatal(@TempDir Path out) throws Exception {
        Reproduce.Done d = Reproduce.run(List.of(new DepthExperiment()), wild(1e300), out, ImageFormat.PNG, 2, null).get(0);
        assertEquals(3, d.outcome().diverged(), "learning rate 1e300 overflows every rule");
        CellResult<?> r = d.outcome().results().get(0);
        assertTrue(r.message.contains("loss is"), r.message);
        assertEquals(0.25, r.testAccuracy(4), "a diverged cell counts as chance accuracy");
        assertEquals(CellResult.DIVERGED, CellStore.read(out.resolve("depth/cells/" + r.id + "/" + CellStore.RESULT)).status);
        assertTrue(Files.readString(d.index()).contains("undecided") || Files.readString(d.index()).contains("no"));
    }

    @Test
    void aBlownUpCellCountsAsDiverged(@TempDir Path out) {
        // At rate 50 ReLU networks blow up to losses near 1e18 without reaching NaN.
        Reproduce.Done d = Reproduce.run(List.of(new DepthExperiment()), wild(50), out, ImageFormat.PNG, 2, null).get(0);
        CellResult<?> r = d.outcome().results().stream().filter(CellResult::diverged).findFirst().orElseThrow();
        assertTrue(r.message.contains("blew up"), r.message);
        assertTrue(r.last().trainLoss() > Training.BLOWUP * r.history.get(0).trainLoss());
    }

    @Test
    void theOverviewKeepsEarlierExperimentsWithTheirVerdicts(@TempDir Path out) throws Exception {
        Preset one = Preset.TEST.withSeeds(1);
        List<Verdict> depth = Reproduce.run(List.of(new DepthExperiment()), one, out, ImageFormat.PNG, 2, null).get(0).verdicts();
        Reproduce.run(List.of(new TrainingExperiment()), one, out, ImageFormat.PNG, 2, null);
        Document doc = ReportTest.checkOffline(out.resolve("index.html"));
        // depth (earlier run), training, and the generalization reading across both runs' cells.
        assertEquals(3, doc.select("a[href$=index.html]").size());
        assertEquals(6 + 3 + 1, Files.readAllLines(out.resolve("generalization/generalization-all.csv")).size(),
                "one row per cell of both runs: depth 3 conditions x 2 depths, training 3 conditions, 1 seed");
        assertEquals(depth, Reproduce.readVerdicts(out.resolve("depth/verdict.csv")));
        assertTrue(doc.text().contains(depth.get(0).claim() + " " + depth.get(0).outcome().label()), doc.text());
    }

    @Test
    void cellsFromOtherCodeAreRefusedInOneLineAndRecomputedOnlyWhenAsked(@TempDir Path out) throws Exception {
        Preset one = Preset.TEST.withSeeds(1);
        List<? extends CellResult<?>> first = Reproduce.run(List.of(new DepthExperiment()), one, out, ImageFormat.PNG, 2, null).get(0)
                .outcome().results();
        Path cells = out.resolve("depth/cells");
        for (CellResult<?> r : first.subList(0, 2)) {
            Path file = cells.resolve(r.id).resolve(CellStore.RESULT);
            // As older code wrote it: another version, and numbers under string keys instead of a record.
            Files.writeString(file, Files.readString(file).replace(CodeVersion.current(), "0123456789ab vector")
                    .replaceFirst("\\{", "{\n  \"scalars\": {\"hessian_top\": 1.5},\n  \"arrays\": {\"eigenvalues\": [1.0]},"));
        }
        Map<String, FileTime> before = cellFiles(cells);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Reproduce.run(List.of(new TrainingExperiment(), new DepthExperiment()), one, out, ImageFormat.PNG, 2, null));
        assertEquals("2 cells were computed by other code than this build (" + CodeVersion.current() + "): " + cells
                + " 2 of 6; recompute them with --rerun-stale, or choose another --out", e.getMessage());
        assertEquals(before, cellFiles(cells), "nothing touched");
        assertTrue(Files.notExists(out.resolve("training")), "refused before running any experiment");

        try (Engine engine = new LocalEngine(2)) {
            Reproduce.Done d = Reproduce.run(List.of(new DepthExperiment()), one, out, ImageFormat.PNG, engine, true, null)
                    .get(0);
            assertEquals(2, d.outcome().ran());
            assertEquals(4, d.outcome().reused());
            for (int i = 0; i < first.size(); i++) {
                CellResult<?> now = d.outcome().results().get(i);
                assertEquals(CodeVersion.current(), now.code);
                assertEquals(first.get(i).last().testLoss(), now.last().testLoss(), 0.0);
            }
        }
        assertEquals(0, Reproduce.run(List.of(new DepthExperiment()), one, out, ImageFormat.PNG, 1, null).get(0).outcome().ran());
    }

    @Test
    void theCodeVersionHashesTheNumericalClassesAndNamesTheKernel(@TempDir Path classes) throws Exception {
        String v = CodeVersion.current();
        assertTrue(v.matches("[0-9a-f]{12} (vector|ojalgo)"), v);
        Path nn = Files.createDirectories(classes.resolve("dev/softalign/nn"));
        Path report = Files.createDirectories(classes.resolve("dev/softalign/report"));
        Files.write(nn.resolve("A.class"), new byte[] {1, 2});
        Files.write(report.resolve("B.class"), new byte[] {3});
        String h = CodeVersion.of(classes);
        Files.write(report.resolve("B.class"), new byte[] {4});
        assertEquals(h, CodeVersion.of(classes), "report classes move no number");
        Files.write(nn.resolve("A.class"), new byte[] {1, 3});
        assertTrue(!h.equals(CodeVersion.of(classes)), "a changed numerical class changes the version");
        Files.write(nn.resolve("A.class"), new byte[] {1, 2});
        assertEquals(h, CodeVersion.of(classes));
    }

    @Test
    void figureSelection() {
        assertEquals(Experiments.ALL, Experiments.select("all"));
        assertEquals("depth", Experiments.select("1").get(0).id());
        assertEquals("training", Experiments.select("training").get(0).id());
        assertEquals("gradflow", Experiments.select("3").get(0).id());
        assertEquals("flatness", Experiments.select("4").get(0).id());
        assertEquals("robustness", Experiments.select("robustness").get(0).id());
    }

    @Test
    void verdictOutcomesSeparateTheCases() {
        assertEquals(Verdict.Outcome.YES, VerdictRulesTest.depth(0.85, 0.84, 0.84, 0.60, 0.83).get(0).outcome());
    }
}
