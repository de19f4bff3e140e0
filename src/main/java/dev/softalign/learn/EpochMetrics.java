package dev.softalign.learn;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of metrics.csv. Epoch 0 describes the initialised model. Wall-clock seconds are kept
 * here but written to timing.csv, so metrics.csv is reproduced bit for bit by the same seed.
 */
public record EpochMetrics(int epoch, double lr, double trainLoss, double trainAccuracy, double testLoss,
        double testAccuracy, double[] anglesDegrees, double seconds, Map<String, Double> extra) {

    public EpochMetrics {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    @Override
    public String toString() {
        return String.format("epoch %d: train loss %.4f acc %.4f, test loss %.4f acc %.4f, %.1f s", epoch, trainLoss,
                trainAccuracy, testLoss, testAccuracy, seconds);
    }
}
