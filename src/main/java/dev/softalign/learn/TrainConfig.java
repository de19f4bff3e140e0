package dev.softalign.learn;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Everything that defines a training run; with the same config and seed, a run is reproduced bit
 * for bit. Fluent setters make it short to use from JShell:
 * {@code TrainConfig.defaults().rule("fa").align(0.5).depth(5)}.
 */
public final class TrainConfig {

    public String dataset = "fashion-mnist-small";
    public String rule = "bp";
    /** Degree of the one-time soft alignment, cos(B, W) at initialisation; null leaves B as drawn. */
    public Double align = null;
    public String alignFrom = "forward";
    public double feedbackScale = 1.0;
    public int depth = 2;
    public int width = 256;
    public String activation = "relu";
    public String loss = "cross-entropy";
    public int epochs = 1;
    public int batch = 128;
    public String optimizer = "sgd";
    public double lr = 0.01;
    public double momentum = 0.9;
    public boolean nesterov = false;
    public double weightDecay = 0;
    public String schedule = "constant";
    /** Largest global gradient norm; 0 turns clipping off. */
    public double clip = 0;
    /**
     * Every this many epochs (and at epoch 0), gradient-flow measures go into metrics.csv; 0: never.
     * Part of the config (a resumed run keeps it); analysis.GradientFlowLog, wired by the train
     * command, does the logging.
     */
    public int logEvery = 0;
    /** Normalise inputs by the training set's mean and std, as a layer of the model. */
    public boolean normalize = false;
    public long seed = 1;
    /** Precision of model.safetensors: F64 (bit-exact) or F32 (half the size, for export). A float32 run saves F32. */
    public String saveDtype = "F64";
    /** Precision the network computes in: F64 or F32 (see nn.Dtype). */
    public String dtype = "F64";

    public static TrainConfig defaults() {
        return new TrainConfig();
    }

    public TrainConfig dataset(String v) { dataset = v; return this; }
    public TrainConfig rule(String v) { rule = v; return this; }
    public TrainConfig align(Double v) { align = v; return this; }
    public TrainConfig alignFrom(String v) { alignFrom = v; return this; }
    public TrainConfig feedbackScale(double v) { feedbackScale = v; return this; }
    public TrainConfig depth(int v) { depth = v; return this; }
    public TrainConfig width(int v) { width = v; return this; }
    public TrainConfig activation(String v) { activation = v; return this; }
    public TrainConfig loss(String v) { loss = v; return this; }
    public TrainConfig epochs(int v) { epochs = v; return this; }
    public TrainConfig batch(int v) { batch = v; return this; }
    public TrainConfig optimizer(String v) { optimizer = v; return this; }
    public TrainConfig lr(double v) { lr = v; return this; }
    public TrainConfig momentum(double v) { momentum = v; return this; }
    public TrainConfig nesterov(boolean v) { nesterov = v; return this; }
    public TrainConfig weightDecay(double v) { weightDecay = v; return this; }
    public TrainConfig schedule(String v) { schedule = v; return this; }
    public TrainConfig clip(double v) { clip = v; return this; }
    public TrainConfig logEvery(int v) { logEvery = v; return this; }
    public TrainConfig normalize(boolean v) { normalize = v; return this; }
    public TrainConfig seed(long v) { seed = v; return this; }
    /** f64 or f32, either case (kept upper case, as model.safetensors names it). */
    public TrainConfig saveDtype(String v) { saveDtype = upper(v); return this; }
    /** f64 or f32, either case (kept upper case, as model.safetensors names it). */
    public TrainConfig dtype(String v) { dtype = upper(v); return this; }

    private static String upper(String v) {
        return v == null ? null : v.toUpperCase(java.util.Locale.ROOT);
    }

    /** The precision the network computes in. */
    public dev.softalign.nn.Dtype precision() {
        return dev.softalign.nn.Dtype.parse(dtype);
    }

    /** The dtype of model.safetensors: F32 if the run computes or is asked to save in float32. */
    public String modelFileDtype() {
        return "F32".equals(dtype) ? "F32" : saveDtype;
    }

    /** Throws IllegalArgumentException naming the first bad option. */
    public TrainConfig validate() {
        check(depth >= 0, "--depth must be >= 0, got " + depth);
        check(width >= 1, "--width must be >= 1, got " + width);
        check(epochs >= 0, "--epochs must be >= 0, got " + epochs);
        check(batch >= 1, "--batch must be >= 1, got " + batch);
        check(lr > 0 && Double.isFinite(lr), "--lr must be a positive number, got " + lr);
        check(momentum >= 0 && momentum < 1, "--momentum must lie in [0, 1), got " + momentum);
        check(weightDecay >= 0 && Double.isFinite(weightDecay), "--weight-decay must be a finite number >= 0, got " + weightDecay);
        check(clip >= 0 && Double.isFinite(clip), "--clip must be a finite number >= 0, got " + clip);
        check(logEvery >= 0, "--log-every must be >= 0, got " + logEvery);
        check(feedbackScale > 0 && Double.isFinite(feedbackScale), "--feedback-scale must be a finite number > 0, got "
                + feedbackScale);
        check(align == null || (align >= 0 && align <= 1), "--align must lie in [0, 1], got " + align);
        Rule r = Rule.parse(rule, feedbackScale);
        check(align == null || r.alignable(), "--align applies to rules fa and kp, not " + rule);
        Alignment.From.parse(alignFrom);
        dev.softalign.nn.Activation.parse(activation);
        dev.softalign.nn.Loss.parse(loss);
        Optimizer.parse(optimizer, momentum, weightDecay, nesterov);
        Schedule.parse(schedule);
        check("F64".equals(saveDtype) || "F32".equals(saveDtype), "--save-dtype must be f64 or f32, got " + saveDtype);
        check("F64".equals(dtype) || "F32".equals(dtype), "--dtype must be f64 or f32, got " + dtype);
        return this;
    }

    /**
     * Refuses a network too large to hold before anything is allocated: each weight matrix must fit
     * one Java array, and weights, feedback, gradients and optimizer state (about five copies of
     * the parameters) the Java heap.
     */
    public void checkFits(int inputs, int classes) {
        long params = 0;
        long previous = inputs;
        long heap = Runtime.getRuntime().maxMemory();
        for (long layer = 0; layer <= depth; layer++) {
            long out = layer == depth ? classes : width;
            long matrix = previous * out;
            check(matrix < Integer.MAX_VALUE - 8, "--width " + width + " makes a " + out + " x " + previous
                    + " weight matrix, more than one array can hold (2^31 values)");
            params += matrix + out;
            previous = out;
            // Checked per layer, so a huge --depth stops at the first layer too many.
            check(params * 8 * 5 <= heap, String.format(Locale.ROOT, "--depth %d and --width %d make a network too "
                    + "large to train in the %.1f GB Java heap (the first %d layers alone need about %.1f GB; "
                    + "SOFTALIGN_HEAP raises the heap)", depth, width, heap / 1e9, layer + 1, params * 40 / 1e9));
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The first option in which two configs differ, as "--lr differs: saved 0.02, given 0.5", or
     * null if they are equal. Fields are named as the train command's options.
     */
    public static String firstDifference(TrainConfig saved, TrainConfig given) {
        JsonObject a = dev.softalign.io.Json.COMPACT.toJsonTree(saved).getAsJsonObject();
        JsonObject b = dev.softalign.io.Json.COMPACT.toJsonTree(given).getAsJsonObject();
        Set<String> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                return "--" + k.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT) + " differs: saved " + shown(a.get(k))
                        + ", given " + shown(b.get(k));
            }
        }
        return null;
    }

    private static String shown(JsonElement e) {
        return e == null || e.isJsonNull() ? "none" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    /** Short label for tables and charts, e.g. "fa a=0.5 depth 5". */
    public String label() {
        return rule + (align == null ? "" : " a=" + align) + " depth " + depth;
    }

    public TrainConfig copy() {
        return dev.softalign.io.Json.COMPACT.fromJson(dev.softalign.io.Json.COMPACT.toJson(this), TrainConfig.class);
    }

    @Override
    public String toString() {
        return "TrainConfig " + dev.softalign.io.Json.COMPACT.toJson(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig && toString().equals(o.toString());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {toString()});
    }
}
