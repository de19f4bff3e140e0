package dev.softalign.learn;

import dev.softalign.nn.Mlp;
import java.util.Map;

/**
 * Hears a training run's progress (the CLI draws a progress bar from it) and may add measurements
 * to metrics.csv (analysis.GradientFlowLog logs gradient flow this way), so the trainer needs to
 * know nothing about what is measured.
 */
public interface TrainingListener {

    TrainingListener SILENT = new TrainingListener() {
    };

    /**
     * Extra columns for this epoch's row of metrics.csv, measured on the network as it stands after
     * the epoch (epoch 0: as initialised), before the epoch's checkpoint is written. The network
     * must not be changed; the key set must be the same at every epoch.
     */
    default Map<String, Double> measure(Mlp net, int epoch) {
        return Map.of();
    }

    default void started(Mlp net, int firstEpoch, int lastEpoch, int stepsPerEpoch) {
    }

    default void step(int epoch, int step, double loss) {
    }

    default void epoch(EpochMetrics metrics) {
    }

    default void finished() {
    }
}
