package dev.softalign.nn;

import dev.softalign.data.Dataset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.random.RandomGenerator;
import org.ojalgo.matrix.store.R064Store;

/**
 * A multilayer perceptron of dense layers on inputs in [0,1]. Hidden layers share one activation;
 * the last layer is linear and feeds the loss. An optional per-feature normalisation
 * (x - mean) / std is part of the model, so input gradients and attacks stay in pixel space.
 *
 * <p>The network computes in its kernel's {@link Dtype}. In float32 every value it writes
 * (parameters, inputs, activations, deltas, gradients) is rounded to float32 as it is written:
 * matrix products are float32 sums, elementwise steps are computed in double and rounded, which
 * for one addition or multiplication is the float32 result itself. In float64 nothing is rounded.
 */
public final class Mlp {

    private final Layer[] layers;
    private final Activation activation;
    private final Loss loss;
    private double[] inputMean;
    private double[] inputStd;
    /** The kernel every product of this network runs on: its owner's thread budget (see {@link MatMul}). */
    private MatMul mm;
    private final Map<Integer, Pass> passes = new HashMap<>();
    private final ParameterLayout layout;

    private Mlp(int[] sizes, Activation activation, Loss loss, MatMul kernel) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("a network needs at least an input and an output size");
        }
        for (int s : sizes) {
            if (s < 1) {
                throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(sizes));
            }
        }
        layers = new Layer[sizes.length - 1];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(sizes[i], sizes[i + 1]);
        }
        this.activation = activation;
        this.loss = loss;
        this.mm = java.util.Objects.requireNonNull(kernel, "kernel");
        this.layout = new ParameterLayout(this);
    }

    /** A network with zero weights, biases and feedback, on the command's kernel ({@link MatMul#get}). */
    public static Mlp zeros(int[] sizes, Activation activation, Loss loss) {
        return zeros(sizes, activation, loss, MatMul.get());
    }

    /** A network with zero weights, biases and feedback whose products run on the given kernel. */
    public static Mlp zeros(int[] sizes, Activation activation, Loss loss, MatMul kernel) {
        return new Mlp(sizes, activation, loss, kernel);
    }

    /**
     * He-normal weights, N(0, 2/fan_in), zero biases, zero feedback: the learning rule draws its
     * feedback afterwards, so the forward weights do not depend on the rule.
     */
    public static Mlp create(int[] sizes, Activation activation, Loss loss, RandomGenerator rng) {
        return create(sizes, activation, loss, rng, MatMul.get());
    }

    /** As {@link #create(int[], Activation, Loss, RandomGenerator)}, with products on the given kernel. */
    public static Mlp create(int[] sizes, Activation activation, Loss loss, RandomGenerator rng, MatMul kernel) {
        Mlp net = new Mlp(sizes, activation, loss, kernel);
        for (Layer l : net.layers) {
            heNormal(l.weight, rng);
        }
        return net.roundParameters();
    }

    /** Input, {@code depth} hidden layers of {@code width}, output: depth 2, width 256 on 784 inputs is 784-256-256-10. */
    public static int[] sizes(int inputs, int depth, int width, int classes) {
        int[] s = new int[depth + 2];
        s[0] = inputs;
        Arrays.fill(s, 1, depth + 1, width);
        s[depth + 1] = classes;
        return s;
    }

    /** Fills m with N(0, 2/fan_in), fan_in being m's column count. */
    public static void heNormal(R064Store m, RandomGenerator rng) {
        double std = Math.sqrt(2.0 / m.getColDim());
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = std * rng.nextGaussian();
        }
    }

    public int layerCount() {
        return layers.length;
    }

    /** Hidden layers. */
    public int depth() {
        return layers.length - 1;
    }

    public Layer layer(int i) {
        return layers[i];
    }

    public int inputSize() {
        return layers[0].in();
    }

    public int outputSize() {
        return layers[layers.length - 1].out();
    }

    public int[] sizes() {
        int[] s = new int[layers.length + 1];
        s[0] = inputSize();
        for (int i = 0; i < layers.length; i++) {
            s[i + 1] = layers[i].out();
        }
        return s;
    }

    public Activation activation() {
        return activation;
    }

    public Loss loss() {
        return loss;
    }

    /** Sets the input normalisation (x - mean) / std; arrays of length 1 apply to every feature. */
    public Mlp normalize(double[] mean, double[] std) {
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("normalisation std must be positive, got " + s);
            }
        }
        inputMean = mean.clone();
        inputStd = std.clone();
        return roundParameters();
    }

    public double[] inputMean() {
        return inputMean == null ? null : inputMean.clone();
    }

    public double[] inputStd() {
        return inputStd == null ? null : inputStd.clone();
    }

    public MatMul kernel() {
        return mm;
    }

    /** The precision this network computes in: its kernel's. */
    public Dtype dtype() {
        return mm.dtype();
    }

    private boolean f32() {
        return mm.dtype() == Dtype.F32;
    }

    /**
     * Rounds weights, biases, feedback and the input normalisation to this network's precision
     * (nothing to do in float64):
     * for code that writes parameters with double arithmetic (initialisers, optimisers, rules).
     */
    public Mlp roundParameters() {
        if (f32()) {
            for (Layer l : layers) {
                Dtype.F32.round(l.weight.data);
                Dtype.F32.round(l.bias.data);
                Dtype.F32.round(l.feedback.data);
            }
            if (inputMean != null) {
                Dtype.F32.round(inputMean);
                Dtype.F32.round(inputStd);
            }
        }
        return this;
    }

    /**
     * Runs this network's products (and its copies') on the given kernel from now on; for whoever
     * loads a network and owns the thread budget it runs under. Bits do not depend on the thread
     * count, only on the kind of kernel and its dtype. A float32 kernel rounds the parameters to
     * float32 (a float64 network narrowed); a float64 kernel keeps them (a float32 network widened,
     * exactly).
     */
    public Mlp kernel(MatMul kernel) {
        mm = java.util.Objects.requireNonNull(kernel, "kernel");
        return roundParameters();
    }

    /** Where each weight and bias sits in the flat parameter vector. */
    public ParameterLayout layout() {
        return layout;
    }

    public int parameterCount() {
        return layout().size();
    }

    /** Flat copy of all forward parameters, in {@link #layout()} order. */
    public double[] parameters() {
        double[] out = new double[parameterCount()];
        layout().gather(weights(), biases(), out);
        return out;
    }

    /** Sets all forward parameters, rounded to this network's precision. */
    public void setParameters(double[] p) {
        layout().scatter(p, weights(), biases());
        roundParameters();
    }

    private R064Store[] weights() {
        R064Store[] w = new R064Store[layers.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = layers[i].weight;
        }
        return w;
    }

    private R064Store[] biases() {
        R064Store[] b = new R064Store[layers.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = layers[i].bias;
        }
        return b;
    }

    /** Angle between B_l and W_l in degrees, per layer; NaN where their shapes differ (direct feedback). */
    public double[] feedbackAnglesDegrees() {
        double[] out = new double[layers.length];
        for (int i = 0; i < out.length; i++) {
            Layer l = layers[i];
            out[i] = l.feedback.data.length == l.weight.data.length
                    ? Vectors.angleDegrees(l.weight.data, l.feedback.data) : Double.NaN;
        }
        return out;
    }

    /** Deep copy, including feedback matrices and normalisation, on the same kernel. */
    public Mlp copy() {
        Mlp c = new Mlp(sizes(), activation, loss, mm);
        for (int i = 0; i < layers.length; i++) {
            System.arraycopy(layers[i].weight.data, 0, c.layers[i].weight.data, 0, layers[i].weight.data.length);
            System.arraycopy(layers[i].bias.data, 0, c.layers[i].bias.data, 0, layers[i].bias.data.length);
            c.layers[i].feedback = R064Store.FACTORY.copy(layers[i].feedback);
        }
        if (inputMean != null) {
            c.normalize(inputMean, inputStd);
        }
        return c;
    }

    /** Reusable buffers for a batch of n samples. */
    public Pass pass(int n) {
        return passes.computeIfAbsent(n, k -> new Pass(this, k));
    }

    /**
     * New buffers for a batch of n samples, not kept by this network: for callers that see many batch
     * sizes (attacks whose batch shrinks as samples break) and keep a few passes themselves.
     */
    public Pass newPass(int n) {
        return new Pass(this, n);
    }

    /** Copies samples order[from .. from+p.n) of the dataset into the pass. */
    public void load(Pass p, Dataset d, int[] order, int from) {
        checkData(d);
        cut.start(p, inputParts(p));
        cut.data = d;
        cut.order = order;
        cut.from = from;
        mm.forEachPart(cut.parts, cut.loadData);
        cut.end();
    }

    /**
     * Loads samples order[from .. from+p.n) of the dataset and runs the forward pass on them, in one
     * hand-off to the kernel's threads: each part loads the samples it then runs. The same bits as
     * {@link #load(Pass, Dataset, int[], int)} then {@link #forward(Pass)}, with one wake-up of the
     * helper threads instead of two (each costs tens of microseconds on a virtual machine) and the
     * loading cut among them.
     */
    public double forward(Pass p, Dataset d, int[] order, int from) {
        checkData(d);
        cut.start(p, parts(p.n));
        cut.data = d;
        cut.order = order;
        cut.from = from;
        mm.forEachPart(cut.parts, cut.loadForward);
        cut.end();
        return loss(p);
    }

    /**
     * The part of a training step that goes sample by sample, in one hand-off to the kernel's
     * threads: loads samples order[from .. from+p.n) of the dataset, runs the forward pass and the
     * loss, then the deltas along the path, each part on its own samples. Returns the mean loss;
     * follow with {@link #gradients}. The same bits as {@link #load(Pass, Dataset, int[], int)},
     * {@link #forward(Pass)} and the deltas of {@link #backward(Pass, BackwardPath, Gradients,
     * boolean)}.
     */
    public double forwardAndDeltas(Pass p, Dataset d, int[] order, int from, BackwardPath path) {
        checkData(d);
        cut.start(p, parts(p.n));
        cut.data = d;
        cut.order = order;
        cut.from = from;
        cut.path = java.util.Objects.requireNonNull(path, "path");
        mm.forEachPart(cut.parts, cut.loadForwardDeltas);
        cut.end();
        return loss(p);
    }

    /**
     * The parameter gradients into g from the deltas of {@link #forwardAndDeltas}, cut by columns
     * among the kernel's threads. If update is not null, each part then applies it to the ranges of
     * every weight and bias whose gradient it has just computed: the optimiser's step in the same
     * hand-off, on the core that holds the gradient in its cache. Nothing reads the parameters while
     * gradients are computed, so the bits are those of the update run afterwards.
     */
    public void gradients(Pass p, Gradients g, ParameterUpdate update) {
        cut.start(p, parts(p.n));
        cut.grads = java.util.Objects.requireNonNull(g, "gradients");
        cut.update = update;
        mm.forEachPart(cut.parts, cut.gradients);
        cut.end();
    }

    /** A dataset whose samples this network can take, or a one-line reason why not. */
    private void checkData(Dataset d) {
        int f = d.features();
        checkFeatures(f);
        if (d.classes() > outputSize()) {
            throw new IllegalArgumentException(d.name() + " has " + d.classes() + " classes but the model outputs "
                    + outputSize() + " (its features match: " + f + ")");
        }
    }

    /** Samples [j0, j1) of a pass from order[from + j] of a dataset. */
    private void loadData(Pass p, Dataset d, int[] order, int from, int j0, int j1) {
        int f = d.features();
        double[] in = p.h[0].data;
        byte[] pixels = d.pixels();
        double[] x = pixels == null ? d.x() : null;
        for (int j = j0; j < j1; j++) {
            int s = order == null ? from + j : order[from + j];
            if (pixels != null) { // decoded and rounded in one pass, as copyInput rounds
                Elementwise.pixels(pixels, s * f, in, j * f, f, inputMean == null && f32());
            } else {
                copyInput(x, s * f, in, j * f, f);
            }
            p.labels[j] = d.labels()[s];
        }
        finishInput(in, j0 * f, j1 * f);
    }

    /**
     * Copies input values into a pass; without a normalisation a float32 network rounds them as it
     * copies (one pass over them, not two).
     */
    private void copyInput(double[] src, int srcPos, double[] in, int inPos, int length) {
        if (inputMean == null && f32()) {
            Elementwise.copyRounded(src, srcPos, in, inPos, length);
        } else {
            System.arraycopy(src, srcPos, in, inPos, length);
        }
    }

    /** Normalises and rounds in[from, to) after {@link #copyInput}, where it did not already round. */
    private void finishInput(double[] in, int from, int to) {
        if (inputMean != null) {
            normalizeInput(in, from, to);
            mm.dtype().round(in, from, to);
        }
    }

    /** Parts of a pass's input loading: a memory-bound copy, cut among the kernel's threads when large. */
    private int inputParts(Pass p) {
        return mm.parts(2.0 * p.n * inputSize(), p.n);
    }

    /** Copies n samples given sample-major (n x features) into the pass. */
    public void load(Pass p, double[] x, int[] labels) {
        if (x.length != p.n * inputSize() || labels.length != p.n) {
            throw new IllegalArgumentException("expected " + p.n + " samples of " + inputSize() + " features, got "
                    + x.length + " values and " + labels.length + " labels");
        }
        System.arraycopy(labels, 0, p.labels, 0, labels.length);
        cut.start(p, inputParts(p));
        cut.x = x;
        mm.forEachPart(cut.parts, cut.loadArray);
        cut.end();
    }

    /**
     * Each sample's gradient of its own loss with respect to its input, for n samples given
     * sample-major (x, labels), into out (sample-major, like x): the pass's input gradient along the
     * path times n (it differentiates the batch mean). Loading, forward, loss, backward and the
     * scaling run in one hand-off to the kernel's threads, each part on its own samples; the same
     * bits as {@link #load(Pass, double[], int[])}, {@link #forward(Pass)}, {@link #backward(Pass,
     * BackwardPath, Gradients, boolean)} with the input gradient, then out = inputGradient * n.
     * Returns the mean loss. The pass's logits and deltas are filled, its input and input gradient
     * are not (without a normalisation the first layer reads x itself; the gradient is made in out).
     */
    public double sampleInputGradients(Pass p, double[] x, int[] labels, BackwardPath path, double[] out) {
        if (x.length != p.n * inputSize() || labels.length != p.n || out.length != x.length) {
            throw new IllegalArgumentException("expected " + p.n + " samples of " + inputSize() + " features, got "
                    + x.length + " values, " + labels.length + " labels and room for " + out.length + " values");
        }
        System.arraycopy(labels, 0, p.labels, 0, labels.length);
        cut.start(p, parts(p.n));
        // Without a normalisation the pass's input would be x itself (float64) or x rounded to
        // float32, which a float32 product rounds as it reads it anyway: the first layer reads x
        // directly, a pass over the batch saved. The input gradient is computed in out, then
        // scaled in place. Neither the pass's input nor its input gradient is filled.
        cut.x = x;
        cut.input = inputMean == null ? R064Store.wrap(x, inputSize()) : null;
        cut.path = java.util.Objects.requireNonNull(path, "path");
        cut.out = R064Store.wrap(out, inputSize());
        mm.forEachPart(cut.parts, cut.sampleInputGradients);
        cut.end();
        return loss(p);
    }

    /** Samples [j0, j1) of {@link #sampleInputGradients}; input is x wrapped, or null to load x into the pass. */
    private void sampleInputGradients(Pass p, double[] x, R064Store input, BackwardPath path, R064Store out, int j0,
                                      int j1) {
        if (input == null) {
            loadArray(p, x, j0, j1);
        }
        forward(p, input == null ? p.h[0] : input, j0, j1);
        backward(p, path, out, j0, j1);
        double[] g = out.data;
        int f = inputSize();
        int n = p.n;
        for (int i = j0 * f; i < j1 * f; i++) {
            g[i] *= n;
        }
    }

    /** Samples [j0, j1) of a pass from x, sample-major. */
    private void loadArray(Pass p, double[] x, int j0, int j1) {
        int f = inputSize();
        copyInput(x, j0 * f, p.h[0].data, j0 * f, (j1 - j0) * f);
        finishInput(p.h[0].data, j0 * f, j1 * f);
    }

    private void checkFeatures(int f) {
        if (f != inputSize()) {
            throw new IllegalArgumentException("the data has " + f + " features per sample but the model expects "
                    + inputSize());
        }
    }

    /** Normalises in[from, to), whole samples. */
    private void normalizeInput(double[] in, int from, int to) {
        if (inputMean == null) {
            return;
        }
        int f = inputSize();
        for (int i = from; i < to; i++) {
            int k = i % f;
            double m = inputMean.length == 1 ? inputMean[0] : inputMean[k];
            double s = inputStd.length == 1 ? inputStd[0] : inputStd[k];
            in[i] = (in[i] - m) / s;
        }
    }

    /**
     * How many parts a pass over n samples is cut into: the kernel's threads when the pass is worth
     * it. Each part runs every layer on its own samples, so a pass hands work to the kernel's
     * threads once, not once per product; samples never mix, so the bits do not depend on the cut.
     */
    private int parts(int n) {
        return mm.parts(2.0 * n * layout.size(), n);
    }

    /**
     * The arguments of the work being cut among the kernel's threads, read by the part bodies:
     * fields set before each hand-off rather than values captured by a new lambda, so a training
     * step allocates nothing (TrainingAllocationTest). A network is not shared between threads.
     */
    private final class Cut {
        Pass pass;
        int parts;
        BackwardPath path;
        boolean inputGradient;
        Gradients grads;
        ParameterUpdate update;
        Dataset data;
        int[] order;
        int from;
        double[] x;
        R064Store input;
        R064Store out;

        final IntConsumer forward = t -> Mlp.this.forward(pass, pass.h[0], first(t), first(t + 1));
        final IntConsumer backward = t -> Mlp.this.backward(pass, path, inputGradient ? pass.inputGradient : null,
                first(t), first(t + 1));
        final IntConsumer gradients = t -> Mlp.this.gradients(pass, grads, update, parts, t);
        final IntConsumer loadData = t -> Mlp.this.loadData(pass, data, order, from, first(t), first(t + 1));
        final IntConsumer loadArray = t -> Mlp.this.loadArray(pass, x, first(t), first(t + 1));
        final IntConsumer loadForward = t -> {
            Mlp.this.loadData(pass, data, order, from, first(t), first(t + 1));
            Mlp.this.forward(pass, pass.h[0], first(t), first(t + 1));
        };
        final IntConsumer sampleInputGradients = t -> Mlp.this.sampleInputGradients(pass, x, input, path, out, first(t),
                first(t + 1));
        final IntConsumer loadForwardDeltas = t -> {
            loadForward.accept(t);
            Mlp.this.backward(pass, path, null, first(t), first(t + 1));
        };

        void start(Pass p, int count) {
            pass = p;
            parts = count;
        }

        /** The first sample of part t. */
        int first(int t) {
            return MatMul.partStart(pass.n, parts, t);
        }

        /** Drops the references, so a network keeps no dataset or gradients alive. */
        void end() {
            pass = null;
            path = null;
            grads = null;
            update = null;
            data = null;
            order = null;
            x = null;
            input = null;
            out = null;
        }
    }

    private final Cut cut = new Cut();

    /** Forward pass; returns the mean loss and leaves dL/dlogits in the last delta. */
    public double forward(Pass p) {
        cut.start(p, parts(p.n));
        mm.forEachPart(cut.parts, cut.forward);
        cut.end();
        return loss(p);
    }

    /** The mean loss of a pass whose parts have computed their samples' loss terms. */
    private double loss(Pass p) {
        p.loss = loss.mean(p.lossTerms, p.n, outputSize());
        return p.loss;
    }

    /**
     * Every layer on samples [from, to), then their loss terms and dL/dlogits in the last delta:
     * per sample, so each part does its own (the mean is summed in order afterwards).
     */
    private void forward(Pass p, R064Store input, int from, int to) {
        forwardLayers(p, input, from, to);
        R064Store z = p.logits();
        int classes = z.getRowDim();
        double[] grad = p.delta[layers.length - 1].data;
        loss.terms(z.data, classes, p.labels, p.n, grad, p.lossTerms, from, to);
        if (f32()) {
            Dtype.F32.round(grad, from * classes, to * classes);
        }
    }

    /** Every layer on samples [from, to), the first reading its input from input (the pass's own, or the caller's). */
    private void forwardLayers(Pass p, R064Store input, int from, int to) {
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            mm.multiplyColumns(l.weight, false, i == 0 ? input : p.h[i], false, p.a[i], from, to);
            boolean hidden = i < layers.length - 1;
            R064Store a = p.a[i];
            int rows = a.getRowDim();
            // With ReLU the bias, the rounding and the activation are one pass (the maximum of a
            // float32 and zero is a float32, so h needs no rounding of its own).
            double[] relu = hidden && activation == Activation.RELU ? p.h[i + 1].data : null;
            Elementwise.addBias(a.data, l.bias.data, rows, from, to, f32(), relu);
            if (hidden && relu == null) {
                double[] h = p.h[i + 1].data;
                for (int k = from * rows; k < to * rows; k++) {
                    h[k] = activation.apply(a.data[k]);
                }
                if (f32()) {
                    Dtype.F32.round(h, from * rows, to * rows);
                }
            }
        }
    }

    /**
     * Backward pass after {@link #forward}: deltas along the chosen path (the path decides the
     * signal entering each layer), then parameter gradients into g (if not null) and the
     * pixel-space input gradient (if asked). Deltas and the input gradient are cut by samples,
     * gradients by their columns (input features), among the kernel's threads.
     */
    public void backward(Pass p, BackwardPath path, Gradients g, boolean inputGradient) {
        cut.start(p, parts(p.n));
        cut.path = path;
        cut.inputGradient = inputGradient;
        cut.grads = g;
        mm.forEachPart(cut.parts, cut.backward);
        if (g != null) {
            mm.forEachPart(cut.parts, cut.gradients);
        }
        cut.end();
    }

    /** Deltas along the path, and the input gradient if asked, for samples [from, to). */
    private void backward(Pass p, BackwardPath path, R064Store inputGradient, int from, int to) {
        for (int i = layers.length - 1; i > 0; i--) {
            R064Store d = p.delta[i - 1];
            path.propagate(this, p, i, d, from, to);
            int rows = d.getRowDim();
            if (activation == Activation.RELU) { // a mask on vectors (its branch is unpredictable); keeps or zeroes a float32
                Elementwise.reluMask(d.data, p.a[i - 1].data, from * rows, to * rows);
            } else {
                double[] a = p.a[i - 1].data;
                for (int k = from * rows; k < to * rows; k++) {
                    d.data[k] *= activation.derivative(a[k]);
                }
                if (f32()) {
                    Dtype.F32.round(d.data, from * rows, to * rows);
                }
            }
        }
        if (inputGradient != null) {
            path.propagate(this, p, 0, inputGradient, from, to);
            if (inputStd != null) {
                double[] x = inputGradient.data;
                int f = inputSize();
                for (int i = from * f; i < to * f; i++) {
                    x[i] /= inputStd.length == 1 ? inputStd[0] : inputStd[i % f];
                }
                mm.dtype().round(x, from * f, to * f);
            }
        }
    }

    /**
     * Part t of the parameter gradients: its share of every weight gradient's columns and bias
     * gradient's rows, each range then updated if an update is given.
     */
    private void gradients(Pass p, Gradients g, ParameterUpdate update, int parts, int t) {
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            int in = l.in();
            int out = l.out();
            int c0 = MatMul.partStart(in, parts, t);
            int c1 = MatMul.partStart(in, parts, t + 1);
            mm.multiplyColumns(p.delta[i], false, p.h[i], true, g.weight[i], c0, c1);
            int r0 = MatMul.partStart(out, parts, t);
            int r1 = MatMul.partStart(out, parts, t + 1);
            Vectors.rowSums(p.delta[i], g.bias[i].data, r0, r1);
            mm.dtype().round(g.bias[i].data, r0, r1);
            if (update != null) { // column-major: columns [c0, c1) are elements [c0 * out, c1 * out)
                update.apply(i, false, l.weight.data, g.weight[i].data, c0 * out, c1 * out);
                update.apply(i, true, l.bias.data, g.bias[i].data, r0, r1);
            }
        }
    }


    /** Mean loss and gradient of the true loss over n samples given sample-major. */
    public double gradient(double[] x, int[] labels, Gradients g) {
        Pass p = pass(labels.length);
        load(p, x, labels);
        double l = forward(p);
        backward(p, BackwardPath.TRUE, g, false);
        return l;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Mlp ");
        int[] sz = sizes();
        for (int i = 0; i < sz.length; i++) {
            s.append(i == 0 ? "" : "-").append(sz[i]);
        }
        s.append(' ').append(activation.id()).append(' ').append(loss.id());
        s.append(String.format(" (%,d parameters)", parameterCount()));
        return s.toString();
    }
}
