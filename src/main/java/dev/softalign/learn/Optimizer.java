package dev.softalign.learn;

import dev.softalign.nn.Dtype;
import dev.softalign.nn.Elementwise;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.ParameterUpdate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Moves the forward parameters (weights and biases) along a gradient, PyTorch conventions: weight
 * decay is added to the gradient, and state buffers are created lazily on the first step.
 */
public abstract class Optimizer {

    protected final double weightDecay;
    /** Steps taken so far. */
    protected long steps;
    /** The precision of the network being stepped: parameters and state are rounded to it after each update. */
    protected Dtype dtype = Dtype.F64;
    /** One state buffer per parameter array per slot, by name (e.g. "layers.0.weight.momentum"). */
    protected final Map<String, double[]> state = new LinkedHashMap<>();

    protected Optimizer(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    public double weightDecay() {
        return weightDecay;
    }

    public long steps() {
        return steps;
    }

    /** Parameter names per layer, built once: a step builds no strings. */
    private String[][] names = new String[0][];

    /**
     * A parameter's update costs about as much memory traffic as this many flops of a product: the
     * size at which a step is worth cutting among the kernel's threads.
     */
    private static final double FLOPS_PER_PARAMETER = 8;

    /**
     * One update of every parameter with gradient g at learning rate lr. Every element's update
     * stands alone, so the arrays are cut into ranges among the network's kernel threads; the bits
     * do not depend on the cut.
     */
    public void step(Mlp net, Gradients g, double lr) {
        begin(net, lr);
        MatMul kernel = net.kernel();
        stepNet = net;
        stepGradients = g;
        stepParts = kernel.parts(FLOPS_PER_PARAMETER * net.parameterCount());
        kernel.forEachPart(stepParts, stepPart);
        stepNet = null;
        stepGradients = null;
    }

    /**
     * Starts one update of every parameter at learning rate lr, to be applied range by range as the
     * gradients are computed: pass the result to {@link Mlp#gradients}, which applies it once to
     * every range of every weight and bias. The same bits as {@link #step} after the gradients,
     * without a hand-off of its own, each range updated where its gradient was just computed.
     */
    public ParameterUpdate begin(Mlp net, double lr) {
        steps++;
        dtype = net.dtype();
        if (names.length != net.layerCount()) {
            names = new String[net.layerCount()][];
            for (int i = 0; i < names.length; i++) {
                names[i] = new String[] {"layers." + i + ".weight", "layers." + i + ".bias"};
            }
        }
        for (int i = 0; i < net.layerCount(); i++) {
            prepare(names[i][0], net.layer(i).weight.data.length);
            prepare(names[i][1], net.layer(i).bias.data.length);
        }
        stepLr = lr;
        return rangeUpdate;
    }

    /**
     * The step being cut among the kernel's threads, read by {@link #stepPart}: fields rather than
     * values captured by a new lambda, so a step allocates nothing.
     */
    private Mlp stepNet;
    private Gradients stepGradients;
    private double stepLr;
    private int stepParts;
    private final ParameterUpdate rangeUpdate =
            (layer, bias, w, g, from, to) -> update(names[layer][bias ? 1 : 0], w, g, stepLr, from, to);
    private final java.util.function.IntConsumer stepPart = t -> {
        for (int i = 0; i < stepNet.layerCount(); i++) {
            updatePart(names[i][0], stepNet.layer(i).weight.data, stepGradients.weight[i].data, t);
            updatePart(names[i][1], stepNet.layer(i).bias.data, stepGradients.bias[i].data, t);
        }
    };

    private void updatePart(String name, double[] w, double[] g, int t) {
        update(name, w, g, stepLr, MatMul.partStart(w.length, stepParts, t), MatMul.partStart(w.length, stepParts, t + 1));
    }

    /** The whole of one parameter array's update. */
    void update(String name, double[] w, double[] g, double lr) {
        prepare(name, w.length);
        update(name, w, g, lr, 0, w.length);
    }

    /**
     * Makes one parameter array's state before a step's parts run, which only read it: called once
     * per array per step, on the stepping thread.
     */
    protected void prepare(String name, int length) {
    }

    /** Updates w[from, to) (and its state's same range); parts of one step run this at once on disjoint ranges. */
    protected abstract void update(String name, double[] w, double[] g, double lr, int from, int to);

    /** Buffers by slot then parameter name, so the per-step lookup builds no strings. */
    private final Map<String, Map<String, double[]>> bySlot = new java.util.HashMap<>();

    /** The state buffer of one parameter for one slot ("momentum", "m", ...), created zeroed. */
    protected double[] buffer(String name, String slot, int length) {
        Map<String, double[]> names = bySlot.get(slot);
        if (names == null) {
            names = new java.util.HashMap<>();
            bySlot.put(slot, names);
        }
        double[] b = names.get(name);
        if (b == null) {
            b = new double[length];
            names.put(name, b);
            state.put(name + "." + slot, b);
        }
        return b;
    }

    protected boolean hasBuffer(String name, String slot) {
        Map<String, double[]> names = bySlot.get(slot);
        return names != null && names.containsKey(name);
    }

    /** State for checkpoints: every buffer by name; the step count travels separately. */
    public Map<String, double[]> state() {
        return state;
    }

    public void restore(Map<String, double[]> buffers, long stepCount) {
        state.clear();
        bySlot.clear();
        buffers.forEach((k, v) -> {
            int dot = k.lastIndexOf('.');
            System.arraycopy(v, 0, buffer(k.substring(0, dot), k.substring(dot + 1), v.length), 0, v.length);
        });
        steps = stepCount;
    }

    public static Optimizer parse(String name, double momentum, double weightDecay, boolean nesterov) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd":
                return new Sgd(momentum, weightDecay, nesterov);
            case "adam":
                return new Adam(0.9, 0.999, 1e-8, weightDecay);
            default:
                throw new IllegalArgumentException("unknown optimizer '" + name + "' (expected sgd or adam)");
        }
    }

    /** SGD with momentum (PyTorch: buf = mu * buf + g, first buf = g; w -= lr * buf). */
    public static final class Sgd extends Optimizer {

        private final double momentum;
        private final boolean nesterov;

        public Sgd(double momentum, double weightDecay, boolean nesterov) {
            super(weightDecay);
            this.momentum = momentum;
            this.nesterov = nesterov;
        }

        /** The arrays whose momentum buffer this step creates: their first step, buf = d. */
        private final java.util.Set<String> fresh = new java.util.HashSet<>();
        /**
         * A float32 network's momentum buffers, by parameter name, in float32: the values are float32
         * anyway, and the step, bound by memory, moves 4 bytes for each instead of 8 (about a fifth
         * of its traffic). {@link #state} copies them into the float64 buffers checkpoints read.
         */
        private final Map<String, float[]> momentum32 = new java.util.HashMap<>();

        @Override
        protected void prepare(String name, int length) {
            if (momentum == 0) {
                return;
            }
            boolean created = !hasBuffer(name, "momentum");
            if (created) {
                fresh.add(name);
            } else {
                fresh.remove(name);
            }
            double[] b = buffer(name, "momentum", length);
            if (dtype == Dtype.F32 && !momentum32.containsKey(name)) { // a new buffer, or one restored from a checkpoint
                float[] f = new float[length];
                // A new buffer is zeros, as f is: copying it would run a loop over every parameter
                // once, uncompiled, in the first step (a float32 run's first step took 35 ms).
                for (int k = 0; !created && k < length; k++) {
                    f[k] = (float) b[k];
                }
                momentum32.put(name, f);
            } else if (dtype != Dtype.F32 && momentum32.containsKey(name)) { // the network went float64
                widen(momentum32.remove(name), b);
            }
        }

        @Override
        public Map<String, double[]> state() {
            momentum32.forEach((name, f) -> widen(f, buffer(name, "momentum", f.length)));
            return super.state();
        }

        /** to = from, each float32 value widened (exactly). */
        private static void widen(float[] from, double[] to) {
            for (int k = 0; k < from.length; k++) {
                to[k] = from[k];
            }
        }

        @Override
        public void restore(Map<String, double[]> buffers, long stepCount) {
            super.restore(buffers, stepCount);
            momentum32.clear();
        }

        @Override
        protected void update(String name, double[] w, double[] g, double lr, int from, int to) {
            if (momentum == 0) {
                for (int k = from; k < to; k++) {
                    w[k] -= lr * (g[k] + weightDecay * w[k]);
                }
                dtype.round(w, from, to);
                return;
            }
            // One pass on vectors (C2 leaves a loop of float32 casts scalar), the buffer and w each
            // rounded to the dtype as they are stored.
            if (dtype == Dtype.F32) {
                Elementwise.momentum(w, g, momentum32.get(name), lr, momentum, weightDecay, fresh.contains(name), nesterov,
                        from, to);
            } else {
                Elementwise.momentum(w, g, buffer(name, "momentum", w.length), lr, momentum, weightDecay,
                        fresh.contains(name), nesterov, false, from, to);
            }
        }

        @Override
        public String toString() {
            return "sgd (momentum " + momentum + (nesterov ? ", nesterov" : "") + ", weight decay " + weightDecay + ")";
        }
    }

    /** Adam with L2 weight decay added to the gradient (PyTorch's Adam, not AdamW). */
    public static final class Adam extends Optimizer {

        private final double beta1;
        private final double beta2;
        private final double eps;

        public Adam(double beta1, double beta2, double eps, double weightDecay) {
            super(weightDecay);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
        }

        @Override
        protected void prepare(String name, int length) {
            buffer(name, "m", length);
            buffer(name, "v", length);
        }

        @Override
        protected void update(String name, double[] w, double[] g, double lr, int from, int to) {
            double[] m = buffer(name, "m", w.length);
            double[] v = buffer(name, "v", w.length);
            double c1 = 1 - Math.pow(beta1, steps);
            double c2 = 1 - Math.pow(beta2, steps);
            for (int k = from; k < to; k++) {
                double d = g[k] + weightDecay * w[k];
                m[k] = beta1 * m[k] + (1 - beta1) * d;
                v[k] = beta2 * v[k] + (1 - beta2) * d * d;
                w[k] -= lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + eps);
            }
            dtype.round(m, from, to);
            dtype.round(v, from, to);
            dtype.round(w, from, to);
        }

        @Override
        public String toString() {
            return "adam (weight decay " + weightDecay + ")";
        }
    }
}
