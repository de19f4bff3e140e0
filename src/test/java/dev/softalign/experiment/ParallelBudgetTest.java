package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.io.Json;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.MatMul;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thread budget changes how fast, never what: a training run and a sweep give the same bytes
 * on 1 or 2 kernel threads and under any split of a sweep's threads. The networks here are wide
 * enough that the kernel really splits its products (above its parallel threshold).
 */
class ParallelBudgetTest {

    @Test
    void theSweepSplitsItsThreadsBetweenCellsAndKernels() {
        assertEquals(new Sweep.Budget(2, 1), Sweep.budget(2, 8), "many cells: one kernel thread each");
        assertEquals(new Sweep.Budget(1, 2), Sweep.budget(2, 1), "one cell left: it gets every thread");
        assertEquals(new Sweep.Budget(3, 2), Sweep.budget(8, 3));
        assertEquals(new Sweep.Budget(1, 1), Sweep.budget(1, 5));
        assertEquals(new Sweep.Budget(1, 4), Sweep.budget(4, 0), "nothing to run: any split within the budget");
        assertTrue(new LocalEngine(3).describe().contains("3 threads"));
        assertTrue(new LocalEngine(new Sweep.Budget(1, 2)).describe().contains("1 cell at once x 2 kernel threads"));
        for (int threads = 1; threads <= 16; threads++) {
            for (int cells = 0; cells <= 20; cells++) {
                Sweep.Budget b = Sweep.budget(threads, cells);
                assertTrue(b.cells() * b.kernelThreads() <= threads, threads + " threads, " + cells + " cells: " + b);
                assertTrue(b.cells() >= 1 && b.kernelThreads() >= 1);
            }
        }
    }

    @Test
    void aTrainingRunIsTheSameBytesOnOneOrTwoKernelThreads(@TempDir Path tmp) throws Exception {
        Split data = Synthetic.blobs(600, 120, 10, 0.3, 4);
        TrainConfig c = TrainConfig.defaults().dataset("blobs").rule("fa").align(0.5).depth(2).width(96).batch(64)
                .epochs(2).lr(0.05).seed(3);
        Trainer.of(c, data).kernel(MatMul.withThreads(1)).out(tmp.resolve("one")).run();
        Trainer.of(c, data).kernel(MatMul.withThreads(2)).out(tmp.resolve("two")).run();
        for (String file : new String[] {"model.safetensors", "optimizer.safetensors", "metrics.csv"}) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("one").resolve(file)),
                    Files.readAllBytes(tmp.resolve("two").resolve(file)), file);
        }
    }

    /** The test preset with a wider network on more features, so training and analyses split their products. */
    static final Preset WIDE = Preset.builder("test", "teacher").trainSamples(400).testSamples(200).width(96).depths(1, 3)
            .epochs(2).curveDepth(2).curveEpochs(3).seeds(1).aligns(0.9).lr(0.01).momentum(0.9).batch(50)
            .probeSamples(64).analysisDepth(2).analysisSamples(100).robustAligns(0, 0.5, 1).pgdSteps(3)
            .rationale("The test preset at width 96, so that products exceed the kernel's parallel threshold.").build();

    @Test
    void aSweepGivesTheSameResultsWhateverItsSplit(@TempDir Path tmp) throws Exception {
        FlatnessExperiment e = new FlatnessExperiment();
        List<Cell> cells = e.cells(WIDE).subList(0, 2);
        Split data = WIDE.load();
        CellStore side = new CellStore(tmp.resolve("side"), CodeVersion.current());
        CellStore wide = new CellStore(tmp.resolve("wide"), CodeVersion.current());
        Sweep.Outcome<FlatnessExperiment.Minimum> a = sweep(e, cells, data, side, new Sweep.Budget(2, 1));
        Sweep.Outcome<FlatnessExperiment.Minimum> b = sweep(e, cells, data, wide, new Sweep.Budget(1, 2));
        assertEquals(2, a.ran());
        assertEquals(2, b.ran());
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            CellResult<FlatnessExperiment.Minimum> r = a.results().get(i);
            assertFalse(r.diverged(), r.id);
            assertNotNull(r.measured, "the cell's analyses ran");
            assertEquals(withoutTimes(r), withoutTimes(b.results().get(i)), cell.id());
            assertArrayEquals(Files.readAllBytes(side.folder(cell).resolve("model.safetensors")),
                    Files.readAllBytes(wide.folder(cell).resolve("model.safetensors")), cell.id());
        }
    }

    private static <M> Sweep.Outcome<M> sweep(Experiment<M> e, List<Cell> cells, Split data, CellStore store, Sweep.Budget split) {
        try (Engine engine = new LocalEngine(split)) {
            return Sweep.run(Sweep.plan(e, cells, store), data, engine, false, null);
        }
    }

    /** The result as JSON without its wall-clock times, the only part that may differ. */
    static String withoutTimes(CellResult<?> r) {
        return Json.COMPACT.toJson(r).replaceAll("\"seconds\":[-0-9.eE+]+", "\"seconds\":0");
    }
}
