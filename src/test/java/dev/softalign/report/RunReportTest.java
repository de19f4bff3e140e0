package dev.softalign.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Datasets;
import dev.softalign.io.IoFailure;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.TrainedModel;
import dev.softalign.learn.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    @Test
    void reportsATrainingRun(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("fa-run");
        TrainedModel m = Trainer.of(TrainConfig.defaults().dataset("blobs").rule("fa").align(0.5).depth(2).width(16)
                .epochs(2).lr(0.01), Datasets.load("blobs")).out(run).run();
        Path index = RunReport.of(run).write(run.resolve("report"), ImageFormat.PNG);
        Document doc = ReportTest.checkOffline(index);
        assertEquals(3, doc.select("figure img").size());
        assertTrue(doc.text().contains("Rule fa with soft alignment a=0.5"));
        // The angle chart's data are the angles of metrics.csv: 60 degrees at initialisation (a = 0.5).
        List<String> angles = Files.readAllLines(run.resolve("report/angles.csv"));
        assertEquals("series,x,y,err", angles.get(0));
        String[] first = angles.get(1).split(",");
        assertEquals("layer 0", first[0]);
        assertEquals(60.0, Double.parseDouble(first[2]), 1e-9);
        assertEquals(3 * 3 + 1, angles.size(), "3 layers x 3 epochs (0..2)");
        // The final metrics table holds the run's final test accuracy.
        List<String> fin = Files.readAllLines(run.resolve("report/final-metrics.csv"));
        double acc = fin.stream().filter(l -> l.startsWith("test_accuracy,")).mapToDouble(l -> Double.parseDouble(l.split(",")[1]))
                .findFirst().orElseThrow();
        assertEquals(m.testAccuracy(), acc, 1e-5);
        assertTrue(Files.readString(run.resolve("report/config.csv")).contains("align,0.5"));
    }

    @Test
    void missingFolderOrMetricsAreOneLineErrors(@TempDir Path tmp) throws Exception {
        IoFailure e = assertThrows(IoFailure.class, () -> RunReport.of(tmp.resolve("nope")));
        assertEquals(tmp.resolve("nope") + ": no such run folder", e.getMessage());
        e = assertThrows(IoFailure.class, () -> RunReport.of(tmp));
        assertTrue(e.getMessage().contains("no metrics.csv"), e.getMessage());
        Files.writeString(tmp.resolve("metrics.csv"), "epoch,train_loss\n0,abc\n");
        e = assertThrows(IoFailure.class, () -> RunReport.of(tmp));
        assertTrue(e.getMessage().startsWith(tmp.resolve("metrics.csv").toString()), e.getMessage());
    }
}
