package dev.softalign.nn;

import dev.softalign.data.Dataset;
import java.util.SplittableRandom;
import org.ojalgo.matrix.store.R064Store;

/**
 * The products that warm a kernel up, chosen so the JIT's profile is the one real work has. C2
 * compiles a branch it never saw taken as a trap: when the warm-up's products all had k below the
 * kernel's k-block, the micro-kernel's "add to c" branch was compiled as a trap, the network's
 * first 784-wide product hit it, both compiled versions were thrown away and the kernel ran boxed
 * (tens of times slower) until C2 had compiled it again, seconds later on a loaded machine: a first
 * epoch of 23 s instead of 1.4 s. So each product here spans two k-blocks (store, then accumulate),
 * has edge tiles in both m and n, and the three transpose cases training uses. The {@link
 * Elementwise} loops are Vector API code too, as slow until compiled (a first epoch's evaluation
 * ran its bias adds boxed), so they are warmed beside it, every branch both ways.
 */
final class KernelWarmUp {

    /** Rows, inner dimension and columns: above two micro-tiles (edges left over) and one k-block. */
    static final int M = 2 * 16 + 3;
    static final int K = VectorMatMul.KC + 40;
    static final int N = 2 * 12 + 5;
    static final int ROUNDS = 600;
    /** Calls of each elementwise loop, on short arrays (see {@link #elementwise}). */
    static final int ELEMENTWISE_ROUNDS = 3000;
    /** Columns of the elementwise loops' arrays: with M rows, 26 float64 vectors and a tail. */
    static final int ELEMENTWISE_COLUMNS = 6;

    private KernelWarmUp() {
    }

    /**
     * Runs the elementwise loops, the products on {@code kernel} (meant to be a single-threaded one),
     * then the loops again. First: a command loads its data while the products still compile, and
     * loading runs the pixel decoding loop (running it boxed, a float32 start-up spent 0.7-1.0 s more
     * CPU). Again at the end: C2 compiles the hottest queued methods first, so the loops' compiles
     * queued early waited behind the products' and were still pending as training began (its first
     * 12 steps took 150-365 ms, the SGD step boxed, where 12 later steps take about 25); called again,
     * they are hot when the products' compiles are done (first 12 steps 51-60 ms in 5 runs).
     */
    static void run(MatMul kernel) {
        elementwise();
        R064Store a = filled(M, K);
        R064Store at = filled(K, M);
        R064Store b = filled(K, N);
        R064Store bt = filled(N, K);
        R064Store c = R064Store.FACTORY.make(M, N);
        for (int i = 0; i < ROUNDS; i++) {
            kernel.multiply(a, false, b, false, c);  // forward: W * H
            kernel.multiply(a, false, bt, true, c);  // gradient: D * H^T
            kernel.multiply(at, true, b, false, c);  // backward: W^T * D
        }
        steps(kernel);
        elementwise();
    }

    /** Training steps {@link #steps} takes, each eleven small products. */
    static final int STEP_ROUNDS = 300;

    /**
     * Training steps of a small network through the network's own code: loading both forms of data,
     * in order and shuffled, normalised or not, forward, loss, deltas along both chained paths,
     * gradients with an update applied by their parts, an evaluation's forward. Compiled by the
     * products alone, a first epoch ran this code in C1 and compiled it while training: 260
     * compilations during the first epoch, whose steps took 70-85 ms per 47 against 55-60 in the
     * second. Every branch both ways, as for the products: with only in-order loading here, the
     * first shuffled batch of training threw the compiled loader away.
     */
    private static void steps(MatMul kernel) {
        Mlp[] nets = new Mlp[2];
        for (int n = 0; n < nets.length; n++) {
            Mlp net = Mlp.create(new int[] {K, M, M, 10}, Activation.RELU, Loss.CROSS_ENTROPY,
                    new SplittableRandom(1), kernel);
            for (int i = 0; i < net.layerCount(); i++) {
                System.arraycopy(net.layer(i).weight.data, 0, net.layer(i).feedback.data, 0,
                        net.layer(i).weight.data.length);
            }
            nets[n] = n == 0 ? net : net.normalize(new double[] {0.3}, new double[] {0.4});
        }
        byte[] pixels = new byte[N * K];
        double[] x = new double[N * K];
        int[] labels = new int[N];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
            x[i] = (pixels[i] & 0xff) / 255.0;
        }
        for (int j = 0; j < N; j++) {
            labels[j] = j % 10;
        }
        int[] shape = {K};
        Dataset[] data = {Dataset.ofPixels("warm-up", shape, 10, pixels, labels),
            new Dataset("warm-up", shape, 10, x, labels)};
        ParameterUpdate sgd = (layer, bias, w, grad, from, to) -> {
            for (int k = from; k < to; k++) {
                w[k] -= 1e-3 * grad[k];
            }
        };
        Gradients g = new Gradients(nets[0]); // both nets have the same shapes
        for (int i = 0; i < STEP_ROUNDS; i++) {
            Mlp net = nets[(i >> 3) & 1];
            Pass p = net.pass(N);
            Dataset d = data[i & 1];
            // Shuffled as an epoch shuffles: an epoch's first permutation of 60,000 samples took
            // 4-7 ms uncompiled, 0.3-1.3 ms with this.
            int[] order = (i & 4) == 0 ? Seeds.permutation(N, new SplittableRandom(i)) : null;
            net.forwardAndDeltas(p, d, order, 0,
                    (i & 2) == 0 ? BackwardPath.TRUE : BackwardPath.FEEDBACK);
            net.gradients(p, g, sgd);
            net.roundParameters();
            p.correct();
            net.forward(p, d, null, 0);
        }
    }

    /**
     * Each elementwise loop, on arrays with a vector tail, in float32 and float64, ReLU or not. C2
     * compiles a method for its callers only after about a thousand calls counted in C1's profiling
     * code, and while the compile queue is long (the kernel's products just went in) a method starts
     * in C1 without counters. With 600 calls of long loops, the loops were compiled where they
     * spin (on-stack replacement) but the SGD momentum and ReLU mask often were not compiled for
     * calls: the first training steps ran them boxed until C2 caught up (300-400 ms for the first 52
     * steps instead of 80). So: more calls, each short, so the calls C1 runs boxed cost little.
     */
    private static void elementwise() {
        int rows = M;
        int cols = ELEMENTWISE_COLUMNS;
        R064Store deltas = filled(rows, cols);
        double[] x = deltas.data;
        double[] y = filled(cols, rows).data;
        double[] z = filled(rows, cols).data;
        double[] bias = new double[rows];
        double[] h = new double[x.length];
        double[] buf = new double[x.length];
        float[] buf32 = new float[x.length];
        byte[] pixels = new byte[x.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 37);
        }
        for (int i = 0; i < ELEMENTWISE_ROUNDS; i++) {
            boolean f32 = (i & 1) == 0;
            Elementwise.addBias(x, bias, rows, 0, cols, f32, (i & 2) == 0 ? h : null);
            Elementwise.reluMask(y, x, 0, x.length);
            Elementwise.reluDerivativeTimes(z, y, x, 0, x.length);
            Elementwise.roundToFloat(y, 0, y.length);
            Elementwise.copyRounded(x, 1, z, 0, x.length - 1);
            Elementwise.momentum(z, y, buf, 1e-3, 0.9, 0, (i & 2) == 0, (i & 4) == 0, f32, 0, z.length);
            Elementwise.momentum(z, y, buf32, 1e-3, 0.9, 0, (i & 2) == 0, (i & 4) == 0, 0, z.length);
            Elementwise.signStep(h, x, 1e-3, 0, h.length);
            Elementwise.linfAscent(h, y, 1e-3, x, 0.1, 0, h.length);
            Elementwise.pixels(pixels, 1, z, 0, pixels.length - 1, f32);
            Vectors.rowSums(deltas, bias, 1, rows); // a bias gradient (bias is all zeros again below)
            java.util.Arrays.fill(bias, 0.0);
        }
    }

    private static R064Store filled(int rows, int cols) {
        R064Store x = R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = ((i * 37) % 101) / 101.0 - 0.5;
        }
        return x;
    }
}
