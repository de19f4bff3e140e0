package dev.softalign.learn;

import dev.softalign.data.Dataset;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import java.util.SplittableRandom;

/**
 * Training speed in samples per second: the training loop only (no evaluation, no files), after
 * one warm-up epoch for the JIT; the best of the timed epochs, as the machine is shared and noisy.
 */
public final class Throughput {

    private Throughput() {
    }

    public static double samplesPerSecond(TrainConfig c, Dataset train, int timedEpochs) {
        return samplesPerSecond(c, train, timedEpochs, MatMul.get());
    }

    /** As {@link #samplesPerSecond(TrainConfig, Dataset, int)}, with the products on the given kernel. */
    public static double samplesPerSecond(TrainConfig c, Dataset train, int timedEpochs, MatMul kernel) {
        c.validate();
        Mlp net = Trainer.initialize(c, train, kernel);
        Trainer.Step step = new Trainer.Step(net, Rule.parse(c.rule, c.feedbackScale),
                Optimizer.parse(c.optimizer, c.momentum, c.weightDecay, c.nesterov), c.clip, c.weightDecay);
        int n = train.size() - train.size() % c.batch;
        Pass p = net.pass(c.batch);
        SplittableRandom rng = new SplittableRandom(c.seed);
        double best = 0;
        for (int epoch = 0; epoch <= timedEpochs; epoch++) {
            long start = System.nanoTime();
            for (int from = 0; from < n; from += c.batch) {
                double loss = step.run(p, train, null, from, c.lr, rng);
                if (!Double.isFinite(loss)) {
                    throw new TrainingDiverged("throughput run diverged: loss " + loss);
                }
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            if (epoch > 0) {
                best = Math.max(best, rate);
            }
        }
        return best;
    }
}
