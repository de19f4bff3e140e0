package dev.softalign.learn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Buffers are allocated once per shape: a warmed-up training step allocates nothing. */
class TrainingAllocationTest {

    @Test
    void aTrainingStepAllocatesNothing() {
        Split data = Synthetic.blobs(2000, 64, 10, 0.2, 1);
        for (String run : new String[] {"bp", "fa", "usf", "fa F32", "usf F32"}) {
            String rule = run.split(" ")[0];
            TrainConfig c = TrainConfig.defaults().rule(rule).depth(2).width(48).batch(32)
                    .dtype(run.endsWith("F32") ? "F32" : "F64");
            Mlp net = Trainer.initialize(c, data.train());
            Trainer.Step step = new Trainer.Step(net, Rule.parse(rule, 1), Optimizer.parse("sgd", 0.9, 1e-4, false), 1.0, 1e-4);
            Pass p = net.pass(32);
            SplittableRandom rng = new SplittableRandom(1);
            ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            int batches = data.train().size() / 32;
            double best = Double.MAX_VALUE;
            // Until the JIT has compiled the loop, interpreted code allocates; take the best of several rounds.
            for (int round = 0; round < 8 && best > 0; round++) {
                for (int s = 0; s < 2000; s++) {
                    step.run(p, data.train(), null, (s % batches) * 32, 0.01, rng);
                }
                long before = mx.getThreadAllocatedBytes(id);
                for (int s = 0; s < 500; s++) {
                    step.run(p, data.train(), null, (s % batches) * 32, 0.01, rng);
                }
                best = Math.min(best, (mx.getThreadAllocatedBytes(id) - before) / 500.0);
            }
            assertTrue(best < 8, run + ": " + best + " bytes allocated per step");
        }
    }
}
