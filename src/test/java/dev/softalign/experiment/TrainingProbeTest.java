package dev.softalign.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.data.Synthetic;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Mlp;
import org.junit.jupiter.api.Test;

class TrainingProbeTest {

    static final Dataset DATA = Synthetic.blobs(300, 12, 3, 0.3, 5).train();

    static Mlp net(String rule, Double align) {
        return Trainer.initialize(TrainConfig.defaults().rule(rule).align(align).depth(3).width(10), DATA);
    }

    @Test
    void updateAngleIsZeroWhenTheFeedbackIsTheForwardWeight() {
        // BP: the update is the gradient. FA with a = 1: B = W exactly at initialisation.
        for (double a : UpdateAngles.measure(net("bp", null), BackwardPath.TRUE, DATA.first(64))) {
            assertEquals(0, a, 1e-6);
        }
        for (double a : UpdateAngles.measure(net("fa", 1.0), BackwardPath.FEEDBACK, DATA.first(64))) {
            assertEquals(0, a, 1e-5);
        }
    }

    @Test
    void updateAngleOfRandomFeedback() {
        double[] a = UpdateAngles.measure(net("fa", null), BackwardPath.FEEDBACK, DATA.first(64));
        // The last layer's gradient never passes through B; earlier layers' updates are rotated.
        assertEquals(0, a[a.length - 2], 1e-6);
        assertTrue(a[0] > 30, "random feedback rotates the first layer's update: " + a[0]);
        assertTrue(a[a.length - 1] > 0 && a[a.length - 1] < 90);
    }
}
