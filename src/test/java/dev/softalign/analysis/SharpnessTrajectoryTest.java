package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.TrainedModel;
import dev.softalign.learn.Trainer;
import dev.softalign.learn.TrainingListener;
import dev.softalign.nn.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sharpness trajectory against an explicit dense Hessian at every epoch, and its oscillation by hand. */
class SharpnessTrajectoryTest {

    /** Hears the same network at the same moments and diagonalises its dense Hessian: the oracle. */
    static final class DenseOracle implements TrainingListener {
        final List<Double> top = new ArrayList<>();
        final Dataset subset;

        DenseOracle(Dataset subset) {
            this.subset = subset;
        }

        @Override
        public Map<String, Double> measure(Mlp net, int epoch) {
            double[] values = Dense.eigen(Dense.matrix(Hessian.of(net, subset))).values();
            top.add(Arrays.stream(values).max().orElseThrow());
            return Map.of();
        }
    }

    @Test
    void everyEpochsTopEigenvalueIsTheDenseHessians() {
        // 6 inputs, 2 hidden layers of 5 tanh units, 3 classes: 83 parameters, a dense Hessian is cheap.
        Split data = Synthetic.blobs(240, 6, 3, 0.4, 7);
        TrainConfig c = TrainConfig.defaults().dataset("blobs").rule("fa").align(0.5).depth(2).width(5)
                .activation("tanh").epochs(3).batch(16).lr(0.05).momentum(0.9).seed(4).validate();
        Dataset subset = data.train().first(100);
        SharpnessTrajectory trajectory = new SharpnessTrajectory(subset, c.lr, c.momentum).seed(2);
        DenseOracle oracle = new DenseOracle(subset);
        TrainedModel model = Trainer.of(c, data).listener(trajectory).listener(oracle).run();
        SharpnessTrajectory.Result r = trajectory.result();
        assertEquals(4, r.topEigenvalues().length, "epoch 0 and three epochs");
        assertEquals(4, oracle.top.size());
        for (int e = 0; e <= 3; e++) {
            double exact = oracle.top.get(e);
            // The eigenvalue's error is at most the residual (Bauer-Fike), which Lanczos drove below tol |theta|.
            assertTrue(r.residuals()[e] <= SharpnessTrajectory.DEFAULT_TOL * Math.abs(r.topEigenvalues()[e]) * 1.0001);
            assertEquals(exact, r.topEigenvalues()[e], r.residuals()[e] + 1e-12, "epoch " + e);
        }
        assertTrue(oracle.top.get(3) != oracle.top.get(0), "training moved the Hessian");
        // The same numbers land in the run's metrics as the column top_eigenvalue.
        for (EpochMetrics m : model.history()) {
            assertEquals(r.topEigenvalues()[m.epoch()], m.extra().get(SharpnessTrajectory.COLUMN), 0.0);
        }
        assertEquals(2 / 0.05, r.edgeOfStability(), 1e-12);
        assertEquals((2 + 2 * 0.9) / 0.05, r.momentumEdge(), 1e-12);
        assertEquals(100, r.samples());
        assertTrue(Double.isNaN(r.lossOscillation()[0]) && r.lossOscillation()[1] > 0);
    }

    @Test
    void oscillationIsTheMeanAbsoluteChangeOfTheLogLossBetweenSteps() {
        SharpnessTrajectory t = new SharpnessTrajectory(Synthetic.blobs(20, 2, 2, 0.1, 1).train(), 0.1, 0);
        double e = Math.E;
        // Epoch 1: 1 -> e -> 1 (two changes of 1 in ln); epoch 2: 1 -> e^2 (2), then e^2 -> e^2 (0).
        t.step(1, 1, 1);
        t.step(1, 2, e);
        t.step(1, 3, 1);
        t.step(2, 1, e * e);
        t.step(2, 2, e * e);
        SharpnessTrajectory.Result r = t.result();
        assertEquals(3, r.lossOscillation().length);
        assertTrue(Double.isNaN(r.lossOscillation()[0]), "no step in epoch 0");
        assertEquals(1.0, r.lossOscillation()[1], 1e-12);
        assertEquals(1.0, r.lossOscillation()[2], 1e-12, "the pair across the epoch boundary counts in epoch 2");
        assertEquals(4.0 / 4, r.meanLossOscillation(), 1e-12);
        assertTrue(Double.isNaN(r.topEigenvalues()[1]), "no eigenvalue measured");
        assertEquals(20.0, r.edgeOfStability(), 1e-12);
        assertEquals(r.edgeOfStability(), r.momentumEdge(), 0.0, "without momentum the bounds agree");
    }
}
