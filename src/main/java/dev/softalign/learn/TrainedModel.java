package dev.softalign.learn;

import dev.softalign.nn.Mlp;
import java.nio.file.Path;
import java.util.List;

/** The outcome of a training run: the network, its config, per-epoch metrics, and its folder (or null). */
public record TrainedModel(Mlp net, TrainConfig config, List<EpochMetrics> history, Path folder) {

    public EpochMetrics last() {
        return history.get(history.size() - 1);
    }

    public double testAccuracy() {
        return last().testAccuracy();
    }

    @Override
    public String toString() {
        return config.label() + ": " + net + ", " + last() + (folder == null ? "" : " -> " + folder);
    }
}
