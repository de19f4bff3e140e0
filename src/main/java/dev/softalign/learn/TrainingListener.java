package dev.softalign.learn;

import dev.softalign.nn.Mlp;

/** Hears a training run's progress; the CLI draws a progress bar from it. */
public interface TrainingListener {

    TrainingListener SILENT = new TrainingListener() {
    };

    default void started(Mlp net, int firstEpoch, int lastEpoch, int stepsPerEpoch) {
    }

    default void step(int epoch, int step, double loss) {
    }

    default void epoch(EpochMetrics metrics) {
    }

    default void finished() {
    }
}
