package dev.softalign.analysis;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Activation;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Elementwise;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Layer;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.ParameterLayout;
import dev.softalign.nn.Pass;
import dev.softalign.nn.Vectors;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.ojalgo.matrix.store.R064Store;

/**
 * The Hessian of the true mean loss over a fixed data subset with respect to all forward
 * parameters (weights and biases in {@link Mlp#parameters()} order), whatever rule trained the
 * model. Products H v are exact, by Pearlmutter's R-operator: one forward pass of the directional
 * derivatives R{a}, R{h}, then one backward pass of R{delta}:
 * <pre>
 *   R{a_l} = V_l h_l + W_l R{h_l} + c_l,     R{h_{l+1}} = f'(a_l) R{a_l},     R{h_0} = 0
 *   R{delta_L} = (d2L/dz2) R{z}
 *   R{delta_{l-1}} = (V_l^T delta_l + W_l^T R{delta_l}) f'(a_{l-1}) + (W_l^T delta_l) f''(a_{l-1}) R{a_{l-1}}
 *   R{dL/dW_l} = R{delta_l} h_l^T + delta_l R{h_l}^T,   R{dL/db_l} = rowsum R{delta_l}
 * </pre>
 * where (V_l, c_l) is the direction's block for layer l. The subset is processed in chunks; each
 * chunk's mean-loss HVP is weighted by its share of the samples and summed into an accumulator
 * that starts at zero on every call (a stale accumulator is PyHessian's known pitfall).
 * <p>
 * The Hessian keeps a private copy of the network, so it describes the parameters at the time of
 * {@link #of} even if training moves on. Each chunk's forward and backward state (which does not
 * depend on the direction) is computed once and kept while it fits in {@link #CACHE_DOUBLES}
 * doubles (each chunk then holds its own copy of the network and its pass); beyond that it is
 * recomputed per chunk and product. R-pass buffers are allocated once per chunk size. Not thread-safe.
 */
public final class Hessian implements LinearOperator {

    public static final int DEFAULT_CHUNK = 1000;
    /** Largest forward state (in doubles, 400 MB) kept across products. */
    public static final long CACHE_DOUBLES = 50_000_000L;

    private final Mlp net;
    private final Dataset data;
    private final int chunk;
    private final int chunks;
    private final int dim;
    private final ParameterLayout layout;
    private final MatMul mm;
    private final boolean curved;
    private final R064Store[] v;
    private final R064Store[] c;
    private final boolean[] active;
    private final R064Store[] gw;
    private final R064Store[] gw2;
    /** Per layer (parts of a product work on different layers at once): the bias block's R-gradient. */
    private final double[][] gb;
    private final Map<Integer, Buffers> buffers = new HashMap<>();
    /** One state per chunk when cached, else one per chunk size (re-prepared as chunks come). */
    private final ChunkState[] cached;
    private final Map<Integer, ChunkState> shared = new HashMap<>();
    private final double loss;
    private final double[] gradient;
    private long products;

    /** The forward and backward state of a chunk: a network whose pass holds it, and W_l^T delta_l. */
    private static final class ChunkState {
        final Mlp net;
        final R064Store[] back;
        int prepared = -1;

        ChunkState(Mlp net, int n, boolean curved) {
            this.net = net;
            back = new R064Store[net.layerCount()];
            for (int i = 1; i < back.length && curved; i++) {
                back[i] = R064Store.FACTORY.make(net.layer(i).in(), n);
            }
        }
    }

    /** Per chunk size: the R-pass buffers. */
    private static final class Buffers {
        final R064Store[] ra;
        final R064Store[] rh;
        final R064Store[] rd;
        final R064Store[] tmpOut;
        final R064Store[] tmpIn;

        Buffers(Mlp net, int n) {
            int layers = net.layerCount();
            ra = new R064Store[layers];
            rh = new R064Store[layers];
            rd = new R064Store[layers];
            tmpOut = new R064Store[layers];
            tmpIn = new R064Store[layers];
            for (int i = 0; i < layers; i++) {
                Layer l = net.layer(i);
                ra[i] = R064Store.FACTORY.make(l.out(), n);
                rd[i] = R064Store.FACTORY.make(l.out(), n);
                tmpOut[i] = R064Store.FACTORY.make(l.out(), n);
                if (i > 0) {
                    rh[i] = R064Store.FACTORY.make(l.in(), n);
                    tmpIn[i] = R064Store.FACTORY.make(l.in(), n);
                }
            }
        }
    }

    private Hessian(Mlp source, Dataset data, int chunk, long cacheDoubles) {
        if (data.size() < 1) {
            throw new IllegalArgumentException("the Hessian needs at least one sample");
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk size must be >= 1, got " + chunk);
        }
        if (data.features() != source.inputSize()) {
            throw new IllegalArgumentException("the data has " + data.features()
                    + " features per sample but the model expects " + source.inputSize());
        }
        // Curvature needs float64: a float32 network is widened (exactly) onto a float64 kernel of its budget.
        this.net = source.copy().kernel(source.kernel().withDtype(dev.softalign.nn.Dtype.F64));
        this.data = data;
        this.chunk = Math.min(chunk, data.size());
        this.chunks = (data.size() + this.chunk - 1) / this.chunk;
        this.mm = net.kernel();
        Activation act = net.activation();
        this.curved = act != Activation.RELU && act != Activation.IDENTITY;
        int layers = net.layerCount();
        layout = net.layout();
        v = new R064Store[layers];
        c = new R064Store[layers];
        gw = new R064Store[layers];
        gw2 = new R064Store[layers];
        active = new boolean[layers];
        gb = new double[layers][];
        for (int i = 0; i < layers; i++) {
            Layer l = net.layer(i);
            v[i] = R064Store.FACTORY.make(l.out(), l.in());
            c[i] = R064Store.FACTORY.make(l.out(), 1);
            gw[i] = R064Store.FACTORY.make(l.out(), l.in());
            gw2[i] = R064Store.FACTORY.make(l.out(), l.in());
            gb[i] = new double[l.out()];
        }
        dim = layout.size();
        long perSample = 2L * net.inputSize();
        for (int i = 0; i < layers; i++) {
            perSample += 3L * net.layer(i).out() + (curved ? net.layer(i).in() : 0);
        }
        long stateDoubles = perSample * data.size() + (long) (chunks - 1) * dim;
        cached = chunks == 1 || stateDoubles <= cacheDoubles ? new ChunkState[chunks] : null;
        // Loss and gradient over the whole subset, chunk-weighted like the products.
        Gradients g = new Gradients(net);
        double[] grad = new double[dim];
        double total = 0;
        for (int k = 0; k < chunks; k++) {
            int n = size(k);
            double w = (double) n / data.size();
            Pass p = net.pass(n);
            total += w * net.forward(p, data, null, k * this.chunk);
            net.backward(p, BackwardPath.TRUE, g, false);
            g.addTo(grad, w);
        }
        loss = total;
        gradient = grad;
    }

    /** The Hessian on every sample of the subset, in chunks of {@value #DEFAULT_CHUNK}. */
    public static Hessian of(Mlp net, Dataset subset) {
        return new Hessian(net, subset, DEFAULT_CHUNK, CACHE_DOUBLES);
    }

    public static Hessian of(Mlp net, Dataset subset, int chunk) {
        return new Hessian(net, subset, chunk, CACHE_DOUBLES);
    }

    /** With an explicit cache budget (tests use 0 to force recomputation). */
    static Hessian of(Mlp net, Dataset subset, int chunk, long cacheDoubles) {
        return new Hessian(net, subset, chunk, cacheDoubles);
    }

    /** Whether every chunk's forward state is kept across products. */
    public boolean cachesForward() {
        return cached != null;
    }

    @Override
    public int dimension() {
        return dim;
    }

    /** Hessian-vector products computed so far (a block product counts as one). */
    public long products() {
        return products;
    }

    /** Mean loss over the subset at the Hessian's parameters. */
    public double loss() {
        return loss;
    }

    /** Gradient of the mean loss over the subset (a copy). */
    public double[] gradient() {
        return gradient.clone();
    }

    public int samples() {
        return data.size();
    }

    /** The network the Hessian describes (a private copy; do not modify). */
    Mlp network() {
        return net;
    }

    /** Offset of layer i's block (its weight, then its bias) in the flat parameter vector. */
    public int layerOffset(int i) {
        return layout.weightOffset(i);
    }

    /** Size of layer i's block: its weights and biases. */
    public int layerSize(int i) {
        return layout.layerSize(i);
    }

    public int layerCount() {
        return net.layerCount();
    }

    @Override
    public double[] times(double[] vec) {
        double[] out = new double[dim];
        apply(vec, out);
        return out;
    }

    @Override
    public void apply(double[] in, double[] out) {
        apply(in, out, -1);
    }

    /**
     * out = H in; with block >= 0 only layer block's part of out is computed (the rest is zero),
     * which lets the R-pass skip the layers below it and the other layers' gradients.
     */
    private void apply(double[] in, double[] out, int block) {
        if (in.length != dim || out.length != dim) {
            throw new IllegalArgumentException("Hessian of dimension " + dim + " applied to vectors of length "
                    + in.length + " and " + out.length);
        }
        Arrays.fill(out, 0);
        layout.scatter(in, v, c);
        for (int i = 0; i < v.length; i++) {
            active[i] = !allZero(v[i].data) || !allZero(c[i].data);
        }
        for (int k = 0; k < chunks; k++) {
            accumulate(k, (double) size(k) / data.size(), out, block);
        }
        products++;
    }

    /** The block of layer i's parameters (weights then bias), H restricted to them. */
    public LinearOperator layer(int i) {
        if (i < 0 || i >= net.layerCount()) {
            throw new IllegalArgumentException("layer " + i + " outside [0, " + net.layerCount() + ")");
        }
        int from = layout.weightOffset(i);
        int size = layerSize(i);
        double[] full = new double[dim];
        double[] fullOut = new double[dim];
        return new LinearOperator() {
            @Override
            public int dimension() {
                return size;
            }

            @Override
            public void apply(double[] in, double[] out) {
                Arrays.fill(full, 0);
                System.arraycopy(in, 0, full, from, size);
                Hessian.this.apply(full, fullOut, i);
                System.arraycopy(fullOut, from, out, 0, size);
            }
        };
    }

    private int size(int k) {
        return Math.min(chunk, data.size() - k * chunk);
    }

    private static boolean allZero(double[] a) {
        for (double x : a) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** The state of chunk k, prepared: its network's pass holds the chunk's forward and backward values. */
    private ChunkState prepare(int k) {
        int n = size(k);
        ChunkState st;
        if (cached != null) {
            if (cached[k] == null) {
                cached[k] = new ChunkState(k == 0 ? net : net.copy(), n, curved);
            }
            st = cached[k];
        } else {
            st = shared.computeIfAbsent(n, m -> new ChunkState(net, m, curved));
        }
        if (st.prepared == k) {
            return st;
        }
        Pass p = st.net.pass(n);
        st.net.forward(p, data, null, k * chunk);
        st.net.backward(p, BackwardPath.TRUE, null, false);
        if (curved) {
            for (int i = 1; i < st.net.layerCount(); i++) {
                mm.multiply(st.net.layer(i).weight, true, p.delta(i), false, st.back[i]);
            }
        }
        st.prepared = k;
        return st;
    }

    /**
     * Adds weight times chunk k's mean-loss HVP into out. The R-pass runs on the chunk's samples cut
     * among the kernel's threads (samples do not interact until the gradients sum over them), then
     * the gradients are cut by their columns (input features) and rows: one hand-off each, and the
     * bits of one thread.
     */
    private void accumulate(int k, double weight, double[] out, int block) {
        int n = size(k);
        Buffers b = buffers.computeIfAbsent(n, m -> new Buffers(net, m));
        ChunkState st = prepare(k);
        Pass p = st.net.pass(n);
        int lowest = Math.max(block, 0);
        int top = block >= 0 ? block + 1 : net.layerCount();
        // A product costs about three passes' flops (forward, backward, gradients) of 2 n dim each.
        int parts = mm.parts(6.0 * n * dim, n);
        mm.forEachPart(parts, t -> rPass(b, st, p, lowest, MatMul.partStart(n, parts, t), MatMul.partStart(n, parts, t + 1)));
        mm.forEachPart(parts, t -> rGradients(b, p, weight, out, lowest, top, parts, t));
    }

    /** The R-pass, forward then backward down to layer lowest, on samples [from, to) of the chunk. */
    private void rPass(Buffers b, ChunkState st, Pass p, int lowest, int from, int to) {
        int layers = net.layerCount();
        int last = layers - 1;
        Activation act = net.activation();
        // Forward: directional derivatives of the pre-activations and activations.
        boolean zero = true; // whether R{h_i} is still identically zero
        for (int i = 0; i < layers; i++) {
            R064Store ra = b.ra[i];
            int lo = from * ra.getRowDim();
            int hi = to * ra.getRowDim();
            if (active[i]) {
                mm.multiplyColumns(v[i], false, p.activation(i), false, ra, from, to);
                Elementwise.addBias(ra.data, c[i].data, ra.getRowDim(), from, to, false, null);
            } else {
                Arrays.fill(ra.data, lo, hi, 0);
            }
            if (!zero) {
                mm.multiplyColumns(net.layer(i).weight, false, b.rh[i], false, b.tmpOut[i], from, to);
                add(ra.data, b.tmpOut[i].data, lo, hi);
            }
            zero &= !active[i];
            if (i < last) {
                double[] a = p.preActivation(i).data;
                double[] rh = b.rh[i + 1].data;
                if (act == Activation.RELU) { // on vectors: the derivative's branch is unpredictable
                    Elementwise.reluDerivativeTimes(rh, a, ra.data, lo, hi);
                } else {
                    for (int q = lo; q < hi; q++) {
                        rh[q] = act.derivative(a[q]) * ra.data[q];
                    }
                }
            }
        }
        // Backward: directional derivatives of the deltas.
        R064Store z = p.logits();
        net.loss().hessianTimes(z.data, z.getRowDim(), p.n, b.ra[last].data, b.rd[last].data, from, to);
        for (int i = last; i > lowest; i--) {
            R064Store prev = b.rd[i - 1];
            int lo = from * prev.getRowDim();
            int hi = to * prev.getRowDim();
            mm.multiplyColumns(net.layer(i).weight, true, b.rd[i], false, prev, from, to);
            if (active[i]) {
                mm.multiplyColumns(v[i], true, p.delta(i), false, b.tmpIn[i], from, to);
                add(prev.data, b.tmpIn[i].data, lo, hi);
            }
            double[] d = prev.data;
            double[] a = p.preActivation(i - 1).data;
            if (curved) {
                double[] back = st.back[i].data;
                double[] ra = b.ra[i - 1].data;
                for (int q = lo; q < hi; q++) {
                    d[q] = d[q] * act.derivative(a[q]) + back[q] * act.second(a[q]) * ra[q];
                }
            } else if (act == Activation.RELU) {
                Elementwise.reluDerivativeTimes(d, a, d, lo, hi); // d * f'(a) = f'(a) * d, the same product
            } else {
                for (int q = lo; q < hi; q++) {
                    d[q] *= act.derivative(a[q]);
                }
            }
        }
    }

    /**
     * Part t of the directional derivatives of the parameter gradients of layers [lowest, top),
     * weighted into out: its share of each weight block's columns and each bias block's rows.
     */
    private void rGradients(Buffers b, Pass p, double weight, double[] out, int lowest, int top, int parts, int t) {
        for (int i = lowest; i < top; i++) {
            int rows = b.rd[i].getRowDim();
            int in = net.layer(i).in();
            int c0 = MatMul.partStart(in, parts, t);
            int c1 = MatMul.partStart(in, parts, t + 1);
            mm.multiplyColumns(b.rd[i], false, p.activation(i), true, gw[i], c0, c1);
            if (i > 0) {
                mm.multiplyColumns(p.delta(i), false, b.rh[i], true, gw2[i], c0, c1);
                add(gw[i].data, gw2[i].data, c0 * rows, c1 * rows);
            }
            double[] g = gw[i].data;
            int o = layout.weightOffset(i);
            for (int q = c0 * rows; q < c1 * rows; q++) {
                out[o + q] += weight * g[q];
            }
            int r0 = MatMul.partStart(rows, parts, t);
            int r1 = MatMul.partStart(rows, parts, t + 1);
            double[] sums = gb[i];
            Vectors.rowSums(b.rd[i], sums, r0, r1);
            o = layout.biasOffset(i);
            for (int r = r0; r < r1; r++) {
                out[o + r] += weight * sums[r];
            }
        }
    }

    /** y[from, to) += x[from, to). */
    private static void add(double[] y, double[] x, int from, int to) {
        for (int q = from; q < to; q++) {
            y[q] += x[q];
        }
    }

    @Override
    public String toString() {
        return "Hessian of " + net + " on " + data.size() + " samples (" + chunks + " chunk" + (chunks == 1 ? "" : "s")
                + " of <= " + chunk + ")";
    }
}
