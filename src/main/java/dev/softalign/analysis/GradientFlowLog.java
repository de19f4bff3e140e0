package dev.softalign.analysis;

import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.learn.Rule;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.TrainingListener;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Mlp;
import java.util.Map;

/**
 * Gradient flow during training ({@code train --log-every N}): every N epochs, and at epoch 0, the
 * {@link GradientFlow.Summary#metrics()} of the network along the rule's path go into
 * metrics.csv; other epochs get the same columns as NaN. Wired by whoever asks for the log (the
 * train command), so training itself knows nothing of the analysis.
 */
public final class GradientFlowLog implements TrainingListener {

    /** Samples (the first of the training set) on which the flow is measured. */
    public static final int SAMPLES = 500;
    public static final int JACOBIAN_SAMPLES = 50;

    private final BackwardPath path;
    private final Dataset subset;
    private final int every;

    public GradientFlowLog(BackwardPath path, Dataset subset, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("--log-every must be >= 1 to log, got " + every);
        }
        this.path = path;
        this.subset = subset;
        this.every = every;
    }

    /** The log a run's config asks for ({@link TrainConfig#logEvery}), or a silent listener if it asks for none. */
    public static TrainingListener of(TrainConfig c, Split data) {
        if (c.logEvery <= 0) {
            return TrainingListener.SILENT;
        }
        BackwardPath path = Rule.parse(c.rule, c.feedbackScale).path();
        return new GradientFlowLog(path, data.train().first(SAMPLES), c.logEvery);
    }

    @Override
    public Map<String, Double> measure(Mlp net, int epoch) {
        if (epoch % every != 0) {
            return GradientFlow.missing(net.layerCount());
        }
        return GradientFlow.of(net, path, subset, JACOBIAN_SAMPLES).metrics();
    }
}
