package dev.softalign.experiment;

import com.google.gson.reflect.TypeToken;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * What one cell produced, stored as cells/&lt;id&gt;/result.json beside the cell's run files. Training
 * fills {@link #history}; the experiment's analysis fills {@link #measured} with its own record
 * (the records the commands print, e.g. {@link dev.softalign.analysis.GradientFlowReport}), which
 * figures read by field, never by a string key. Gson writes and reads it back by the experiment's
 * {@link Experiment#measurement} class; records keep their component order, so the same seed
 * gives the same bytes.
 *
 * @param <M> the experiment's measurement record ({@code Void} for cells that are only trained)
 */
public final class CellResult<M> {

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
    /** What the experiment measured on the trained network; null for a diverged cell or a training-only experiment. */
    public M measured;
    /**
     * The flatness probe and train-side numbers of the generalization gap, taken on every trained
     * cell; null for a diverged cell, a cell without an analysis subset, or one stored by older code.
     */
    public FlatnessProbe probe;
    /** Wall-clock seconds the cell took (not part of the results proper). */
    public double seconds;
    /** The {@link CodeVersion} that computed the cell; a result from other code is not reused. */
    public String code;

    public static <M> CellResult<M> of(Cell cell) {
        CellResult<M> r = new CellResult<>();
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

    /** A number read off the measurement, NaN when there is none (a diverged cell measured nothing). */
    public double value(ToDoubleFunction<M> f) {
        return measured == null ? Double.NaN : f.applyAsDouble(measured);
    }

    /** An array read off the measurement, empty when there is none. */
    public double[] array(Function<M, double[]> f) {
        double[] v = measured == null ? null : f.apply(measured);
        return v == null ? new double[0] : v;
    }

    /** The Gson type of a result holding measurements of the given class. */
    @SuppressWarnings("unchecked")
    public static <M> TypeToken<CellResult<M>> type(Class<M> measurement) {
        return (TypeToken<CellResult<M>>) TypeToken.getParameterized(CellResult.class, measurement);
    }
}
