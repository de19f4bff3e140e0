package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.DataException;
import dev.softalign.data.Datasets;
import dev.softalign.report.ImageFormat;
import dev.softalign.report.ReportTest;
import dev.softalign.report.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/** A preset on several datasets runs every experiment once per dataset, each in its own folder. */
class ReproduceDatasetsTest {

    static final Preset TWO = Preset.TEST.toBuilder().datasets("blobs", "teacher").seeds(1).build();

    @Test
    void everyExperimentRunsOncePerDatasetAndTheOverviewListsBoth(@TempDir Path out) throws Exception {
        List<Reproduce.Done> done = Reproduce.run(List.of(new DepthExperiment()), TWO, out, ImageFormat.PNG, 2, null);
        assertEquals(List.of("blobs", "teacher"), done.stream().map(Reproduce.Done::dataset).toList());
        assertFalse(Files.exists(out.resolve("depth")), "no single-dataset folder beside the dataset folders");
        for (Reproduce.Done d : done) {
            Path dir = out.resolve(d.dataset()).resolve("depth");
            assertEquals(dir.resolve("index.html"), d.index());
            ReportTest.checkOffline(d.index());
            assertEquals(3 * 2, d.outcome().ran(), "3 conditions x 2 depths x 1 seed on " + d.dataset());
            try (Stream<Path> cells = Files.list(dir.resolve("cells"))) {
                for (Path cell : cells.filter(Files::isDirectory).toList()) {
                    assertTrue(Files.readString(cell.resolve("config.json")).matches("(?s).*\"dataset\"\\s*:\\s*\""
                            + d.dataset() + "\".*"), cell + " trained on " + d.dataset());
                }
            }
            assertTrue(Files.isRegularFile(out.resolve(d.dataset()).resolve("index.html")), "each dataset's own overview");
        }
        // blobs has 4 classes and teacher 10: the same experiment, two different sets of numbers.
        assertFalse(done.get(0).outcome().results().get(0).testAccuracy(4)
                == done.get(1).outcome().results().get(0).testAccuracy(10));

        Document top = ReportTest.checkOffline(out.resolve("index.html"));
        List<String> links = top.select("a[href]").eachAttr("href");
        assertTrue(links.contains("blobs/depth/index.html"), links.toString());
        assertTrue(links.contains("teacher/depth/index.html"), links.toString());

        Table t = Table.read().usingOptions(CsvReadOptions.builder(out.resolve("verdicts.csv").toFile())
                .columnTypes(new ColumnType[] {ColumnType.STRING, ColumnType.STRING, ColumnType.STRING, ColumnType.STRING}));
        assertEquals(List.of("dataset", "experiment", "claim", "reproduced"), t.columnNames());
        int row = 0;
        for (Reproduce.Done d : done) {
            assertTrue(d.verdicts().size() >= 1);
            // Each dataset's experiments, then its across-cells reading of claim 4 (one verdict).
            for (Verdict v : d.verdicts()) {
                assertEquals(d.dataset(), t.stringColumn("dataset").get(row));
                assertEquals("depth", t.stringColumn("experiment").get(row));
                assertEquals(v.claim(), t.stringColumn("claim").get(row));
                assertEquals(v.outcome().label(), t.stringColumn("reproduced").get(row));
                row++;
            }
            assertEquals(d.dataset(), t.stringColumn("dataset").get(row));
            assertEquals(Reproduce.ACROSS, t.stringColumn("experiment").get(row));
            assertTrue(links.contains(d.dataset() + "/" + Reproduce.ACROSS + "/index.html"), links.toString());
            row++;
        }
        assertEquals(row, t.rowCount(), "one row per claim per dataset");
    }

    @Test
    void aMissingSecondDatasetFailsUpFrontAndRunsNoCell(@TempDir Path root) {
        Preset p = Preset.TEST.toBuilder().datasets("blobs", "mnist").seeds(1).build();
        Path out = root.resolve("out");
        String oldHome = System.getProperty("softalign.home");
        String oldSystem = System.getProperty(Datasets.SYSTEM_PROPERTY);
        try {
            System.setProperty("softalign.home", root.toString());
            System.setProperty(Datasets.SYSTEM_PROPERTY, root.resolve("system").toString());
            DataException e = assertThrows(DataException.class,
                    () -> Reproduce.run(List.of(new DepthExperiment()), p, out, ImageFormat.PNG, 2, null));
            assertTrue(e.getMessage().startsWith("mnist not found in "), e.getMessage());
            assertTrue(e.getMessage().endsWith(": run datasets/fetch mnist"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
            assertFalse(Files.exists(out), "nothing written, no cell of blobs ran");
        } finally {
            restore("softalign.home", oldHome);
            restore(Datasets.SYSTEM_PROPERTY, oldSystem);
        }
    }

    static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void theFullPresetsCheckEveryClaimOnTwoDatasetsTheOthersOnOne() {
        assertEquals(List.of("fashion-mnist", "mnist"), Preset.FULL.datasets());
        assertEquals(List.of("fashion-mnist-small"), Preset.QUICK.datasets());
        assertEquals(List.of("blobs"), Preset.TEST.datasets());
        assertEquals(Preset.FULL_UNCUT, Preset.parse("full-uncut"));
        // FULL is the uncut grid with the cuts its rationale names, nothing else.
        Preset cut = Preset.FULL_UNCUT.toBuilder().epochs(10).curveEpochs(15).aligns(0.5, 0.9).analysisSamples(1000)
                .rationale(Preset.FULL.rationale()).build();
        assertEquals(Preset.FULL.toString().replaceFirst("^full ", "full-uncut "), cut.toString());
        assertEquals(Preset.FULL.describe().replaceFirst("preset full:", "preset full-uncut:"), cut.describe());
        assertEquals(20, Preset.FULL_UNCUT.epochs());
        assertEquals(2000, Preset.FULL_UNCUT.analysisSamples());
        assertTrue(Preset.FULL.rationale().contains("instead of 20"));
        assertEquals(List.of("mnist"), Preset.FULL.onDataset("mnist").datasets());
        assertEquals("mnist", Preset.FULL.onDataset("mnist").dataset());
        assertThrows(IllegalArgumentException.class, () -> Preset.TEST.toBuilder().datasets("blobs", "blobs").build());
        assertThrows(IllegalArgumentException.class, () -> Preset.TEST.toBuilder().datasets().build());
    }
}
