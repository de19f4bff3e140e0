package dev.softalign.experiment;

import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one cell produced, stored as cells/&lt;id&gt;/result.json beside the cell's run files. Training fills {@link #history}; an
 * analysis adds named numbers ({@link #scalars}, e.g. "hessian_top") and arrays ({@link #arrays},
 * e.g. "eigenvalues"), so new experiments need no new result type.
 */
public final class CellResult {

    public static final String DONE = "done";
    public static final String DIVERGED = "diverged";

    public String id;
    public String status = DONE;
    /**
     * Why a cell diverged: the loss became NaN/infinite ({@link dev.softalign.learn.TrainingDiverged}),
     * or it ended more than {@link Training#BLOWUP} times above its initial value.
     */
    public String message;
    public TrainConfig config;
    public Map<String, String> tags = new LinkedHashMap<>();
    /** Per-epoch metrics; for a diverged cell, the epochs completed before it diverged. */
    public List<EpochMetrics> history = new ArrayList<>();
    public Map<String, Double> scalars = new LinkedHashMap<>();
    public Map<String, double[]> arrays = new LinkedHashMap<>();
    /** Wall-clock seconds the cell took (not part of the results proper). */
    public double seconds;
    /** The {@link CodeVersion} that computed the cell; a result from other code is not reused. */
    public String code;

    public static CellResult of(Cell cell) {
        CellResult r = new CellResult();
        r.id = cell.id();
        r.config = cell.config();
        r.tags = new LinkedHashMap<>(cell.tags());
        r.code = CodeVersion.current();
        return r;
    }

    public boolean diverged() {
        return DIVERGED.equals(status);
    }

    public String group() {
        return tags.getOrDefault("group", config.rule);
    }

    public EpochMetrics last() {
        return history.isEmpty() ? null : history.get(history.size() - 1);
    }

    /**
     * Final test accuracy; a diverged cell counts as chance (1 / classes), which is what its
     * network predicts, so that failures pull the mean down instead of vanishing from it.
     */
    public double testAccuracy(int classes) {
        return diverged() || last() == null ? 1.0 / classes : last().testAccuracy();
    }

    public double scalar(String name) {
        return scalars.getOrDefault(name, Double.NaN);
    }
}
