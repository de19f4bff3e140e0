package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.TrainedModel;
import dev.softalign.learn.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --log-every: gradient-flow measures in metrics.csv at multiples of N, NaN in between, same keys every row. */
class TrainingLogTest {

    @Test
    void gradientFlowIsLoggedEveryNEpochs(@TempDir Path dir) throws Exception {
        Split data = Synthetic.blobs(300, 8, 3, 0.2, 1);
        TrainConfig c = TrainConfig.defaults().dataset("blobs").rule("fa").align(0.5).depth(2).width(6).epochs(3)
                .batch(50).logEvery(2);
        TrainedModel run = Trainer.of(c, data).out(dir.resolve("run")).listener(GradientFlowLog.of(c, data)).run();
        List<EpochMetrics> h = run.history();
        assertEquals(4, h.size());
        for (EpochMetrics m : h) {
            assertEquals(GradientFlow.missing(3).keySet(), m.extra().keySet());
            boolean measured = m.epoch() % 2 == 0;
            assertEquals(measured, !Double.isNaN(m.extra().get("grad_cos_0")), "epoch " + m.epoch());
        }
        // The last layer's update is the true gradient under feedback alignment.
        assertEquals(1, h.get(2).extra().get("grad_cos_2"), 1e-12);
        assertTrue(h.get(0).extra().get("grad_cos_0") < 1);
        List<String> csv = Files.readAllLines(dir.resolve("run/metrics.csv"));
        assertTrue(csv.get(0).contains(",grad_cos_0,"), csv.get(0));
        assertEquals(5, csv.size());
        // The same seed gives the same numbers.
        TrainedModel again = Trainer.of(c, data).listener(GradientFlowLog.of(c, data)).run();
        assertEquals(h.get(2).extra(), again.history().get(2).extra());
        // Resuming reads the logged columns back.
        TrainConfig more = c.copy().epochs(4);
        TrainedModel resumed = Trainer.of(more, data).out(dir.resolve("run")).resume(true)
                .listener(GradientFlowLog.of(more, data)).run();
        assertFalse(Double.isNaN(resumed.history().get(4).extra().get("jac_cond_true_0")));
        assertEquals(h.get(2).extra(), resumed.history().get(2).extra());
    }

    @Test
    void withoutLogEveryNothingIsAdded() {
        Split data = Synthetic.blobs(100, 4, 2, 0.2, 1);
        TrainConfig c = TrainConfig.defaults().dataset("blobs").depth(1).width(3).epochs(1);
        TrainedModel run = Trainer.of(c, data).listener(GradientFlowLog.of(c, data)).run();
        assertTrue(run.history().get(1).extra().isEmpty());
    }
}
