package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.report.ImageFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same cells give the same bits under the local engine and Spark's local mode. */
class EnginesTest {

    /** A result file without its wall time, the one field that may differ between two runs. */
    static String withoutTime(Path result) throws Exception {
        return Files.readString(result).replaceAll("\"seconds\": [^,\\n]*", "");
    }

    /** The folder locks' files name their last holder (a process id), not a result. */
    static <V> Map<String, V> withoutLocks(Map<String, V> files) {
        files.keySet().removeIf(f -> f.endsWith("/" + dev.softalign.io.FolderLock.FILE));
        return files;
    }

    @Test
    void sparkLocalModeComputesTheSameCellsBitForBit(@TempDir Path tmp) throws Exception {
        Preset one = Preset.TEST.withSeeds(1);
        Preset wild = ReproduceTest.wild(1e300);
        Path local = tmp.resolve("local");
        Path spark = tmp.resolve("spark");
        List<Experiment<?>> experiments = List.of(new DepthExperiment(), new TrainingExperiment());
        Reproduce.run(experiments, one, local, ImageFormat.PNG, 2, null);
        Reproduce.run(List.of(new DepthExperiment()), wild, local.resolve("wild"), ImageFormat.PNG, 2, null);
        List<Reproduce.Done> done;
        Reproduce.Done wildDone;
        try (Engine engine = Engine.spark("local[2]")) {
            assertTrue(engine.describe().startsWith("Spark local[2]"), engine.describe());
            done = Reproduce.run(experiments, one, spark, ImageFormat.PNG, engine, false, null);
            wildDone = Reproduce.run(List.of(new DepthExperiment()), wild, spark.resolve("wild"),
                    ImageFormat.PNG, engine, false, null).get(0);
            assertEquals(3, wildDone.outcome().diverged());
        }
        assertEquals(6, done.get(0).outcome().ran());
        int compared = 0;
        for (Path dir : List.of(Path.of("depth/cells"), Path.of("training/cells"), Path.of("wild/depth/cells"))) {
            Map<String, java.nio.file.attribute.FileTime> files = withoutLocks(ReproduceTest.cellFiles(local.resolve(dir)));
            assertEquals(files.keySet(), withoutLocks(ReproduceTest.cellFiles(spark.resolve(dir))).keySet(), "the same files");
            for (String f : files.keySet()) {
                Path a = local.resolve(dir).resolve(f);
                Path b = spark.resolve(dir).resolve(f);
                if (f.endsWith(CellStore.RESULT)) {
                    String ra = withoutTime(a);
                    assertEquals(ra.replace(local.toString(), "ROOT"), withoutTime(b).replace(spark.toString(), "ROOT"), f);
                    compared++;
                } else if (!f.endsWith("timing.csv")) {
                    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), f);
                }
            }
        }
        assertEquals(6 + 3 + 3, compared, "results compared");
        for (CellResult<?> r : wildDone.outcome().results()) {
            assertTrue(r.message.contains("loss is") && !r.message.contains("softalign-cell-"), r.message);
        }
    }
}
