package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;

/**
 * Work cut coarser than one product: column products, {@link MatMul#forEachPart}, and the passes
 * that cut their samples among a kernel's threads, which must give the bits of one thread.
 */
class PartsTest {

    private static final boolean[] FLAGS = {false, true};

    private static R064Store random(Random rnd, int rows, int cols) {
        R064Store x = R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    @Test
    void columnsOfAProductAreThoseColumnsOfTheWholeProductBitForBit() {
        Random rnd = new Random(21);
        for (Dtype dtype : Dtype.values()) {
            MatMul kernel = new VectorMatMul(2, dtype);
            // k spans two k-blocks; the ranges cut micro-tiles (12 columns) anywhere.
            int m = 37, k = VectorMatMul.KC + 19, n = 41;
            for (boolean ta : FLAGS) {
                for (boolean tb : FLAGS) {
                    R064Store a = ta ? random(rnd, k, m) : random(rnd, m, k);
                    R064Store b = tb ? random(rnd, n, k) : random(rnd, k, n);
                    R064Store whole = R064Store.FACTORY.make(m, n);
                    kernel.multiply(a, ta, b, tb, whole);
                    R064Store cut = R064Store.FACTORY.make(m, n);
                    java.util.Arrays.fill(cut.data, 7.0);
                    int[] edges = {0, 5, 17, 18, 40, n};
                    for (int e = 0; e + 1 < edges.length; e++) {
                        kernel.multiplyColumns(a, ta, b, tb, cut, edges[e], edges[e + 1]);
                        for (int i = edges[e + 1] * m; i < n * m; i++) {
                            assertEquals(7.0, cut.data[i], "columns past the range are left alone");
                        }
                    }
                    assertArrayEquals(whole.data, cut.data, 0.0, dtype + " ta " + ta + " tb " + tb);
                }
            }
        }
    }

    @Test
    void columnRangesAreChecked() {
        MatMul kernel = new VectorMatMul(2);
        R064Store a = R064Store.FACTORY.make(3, 4);
        R064Store b = R064Store.FACTORY.make(4, 5);
        R064Store c = R064Store.FACTORY.make(3, 5);
        assertThrows(IllegalArgumentException.class, () -> kernel.multiplyColumns(a, false, b, false, c, 2, 6));
        assertThrows(IllegalArgumentException.class, () -> kernel.multiplyColumns(a, false, b, false, c, 3, 2));
        // A kernel that never cuts work computes whole products only.
        assertThrows(UnsupportedOperationException.class, () -> MatMul.portable().multiplyColumns(a, false, b, false, c, 0, 2));
        MatMul.portable().multiplyColumns(a, false, b, false, c, 0, 5);
    }

    @Test
    void everyPartRunsOncePartZeroOnTheCallerAndNestedCutsRunInPlace() {
        VectorMatMul kernel = new VectorMatMul(3);
        assertEquals(1, kernel.parts(1e3), "small work is not worth a hand-off");
        assertEquals(3, kernel.parts(1e9));
        assertEquals(1, MatMul.portable().parts(1e9), "the portable kernel never cuts work");
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        ConcurrentHashMap<Integer, String> threads = new ConcurrentHashMap<>();
        for (int round = 0; round < 200; round++) {
            kernel.forEachPart(3, t -> {
                runs.incrementAndGet(t);
                threads.put(t, Thread.currentThread().getName());
                // A product inside a part runs on its thread alone, and a nested cut runs in order.
                int[] inner = new int[2];
                kernel.forEachPart(2, u -> inner[u] = u + 1);
                assertArrayEquals(new int[] {1, 2}, inner);
            });
        }
        for (int t = 0; t < 3; t++) {
            assertEquals(200, runs.get(t), "part " + t);
        }
        assertEquals(Thread.currentThread().getName(), threads.get(0), "the caller runs part 0");
        assertThrows(IllegalArgumentException.class, () -> kernel.forEachPart(4, t -> { }));
        RuntimeException failure = assertThrows(RuntimeException.class,
                () -> kernel.forEachPart(3, t -> {
                    if (t == 2) {
                        throw new IllegalStateException("part 2 failed");
                    }
                }));
        assertTrue(String.valueOf(failure.getMessage()).contains("failed")
                || String.valueOf(failure.getCause()).contains("part 2 failed"), failure.toString());
        kernel.forEachPart(3, t -> runs.incrementAndGet(t)); // still usable after a failure
        assertEquals(201, runs.get(2));
    }

    @Test
    void lossTermsOfSamplesCutAnywhereGiveTheWholeBatchsMeanAndGradient() {
        Random rnd = new Random(8);
        int n = 29, classes = 7;
        double[] z = new double[n * classes];
        int[] labels = new int[n];
        for (int i = 0; i < z.length; i++) {
            z[i] = 3 * rnd.nextGaussian();
        }
        for (int j = 0; j < n; j++) {
            labels[j] = rnd.nextInt(classes);
        }
        for (Loss loss : Loss.values()) {
            double[] grad = new double[z.length];
            double whole = loss.lossAndGradient(z, classes, labels, n, grad);
            // The definition, summed in sample order: cross-entropy per sample, squared error per logit.
            double expected = 0;
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < classes; k++) {
                    double d = z[j * classes + k] - (k == labels[j] ? 1 : 0);
                    expected += loss == Loss.CROSS_ENTROPY ? (k == 0 ? Loss.logSumExp(z, j * classes, classes)
                            - z[j * classes + labels[j]] : 0) : d * d;
                }
            }
            expected = loss == Loss.CROSS_ENTROPY ? expected / n : expected * (1.0 / ((double) n * classes));
            assertEquals(expected, whole, 0.0, loss.id());
            double[] terms = new double[n * classes];
            double[] cutGrad = new double[z.length];
            int[] edges = {0, 1, 13, 14, n};
            for (int e = edges.length - 1; e > 0; e--) { // parts finish in any order
                loss.terms(z, classes, labels, n, cutGrad, terms, edges[e - 1], edges[e]);
            }
            assertEquals(whole, loss.mean(terms, n, classes), 0.0, loss.id());
            assertArrayEquals(grad, cutGrad, 0.0, loss.id());
        }
    }

    /** A network wide enough, on enough samples, that its passes are cut among three threads. */
    private static Mlp net(Activation activation, MatMul kernel) {
        Mlp net = Mlp.create(new int[] {83, 70, 70, 10}, activation, Loss.CROSS_ENTROPY, new SplittableRandom(5), kernel);
        Random rnd = new Random(6);
        for (int i = 0; i < net.layerCount(); i++) {
            double[] f = net.layer(i).feedback.data;
            for (int j = 0; j < f.length; j++) {
                f[j] = rnd.nextGaussian() * 0.1;
            }
        }
        return net.normalize(new double[] {0.3}, new double[] {0.4});
    }

    /** n samples of the test network's 83 inputs in [0, 1) (doubles, not float32 values), sample-major. */
    private static double[] inputs(Random rnd, int n) {
        double[] x = new double[n * 83];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble();
        }
        return x;
    }

    /** n labels of the test network's 10 classes. */
    private static int[] labels(Random rnd, int n) {
        int[] labels = new int[n];
        for (int j = 0; j < n; j++) {
            labels[j] = rnd.nextInt(10);
        }
        return labels;
    }

    @Test
    void passesCutAmongThreadsGiveOneThreadsBits() {
        int n = 37;
        Random rnd = new Random(7);
        double[] x = inputs(rnd, n);
        int[] labels = labels(rnd, n);
        for (Dtype dtype : Dtype.values()) {
            for (Activation activation : new Activation[] {Activation.RELU, Activation.TANH}) {
                for (BackwardPath path : new BackwardPath[] {BackwardPath.TRUE, BackwardPath.FEEDBACK}) {
                    MatMul three = MatMul.withThreads(3, dtype);
                    Mlp net = net(activation, three);
                    assertEquals(3, three.parts(2.0 * n * net.parameterCount()), "this test cuts its passes");
                    double[][] alone = pass(net(activation, MatMul.withThreads(1, dtype)), x, labels, path);
                    String where = dtype + " " + activation.id() + " " + path.id();
                    for (int again = 0; again < 10; again++) { // parts race, if they do, by timing: look more than once
                        double[][] cut = pass(net, x, labels, path);
                        for (int i = 0; i < cut.length; i++) {
                            assertArrayEquals(alone[i], cut[i], 0.0, where + ", array " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void anAttacksOneHandOffGivesTheSeparatePassesBitsTimesN() {
        int n = 37;
        Random rnd = new Random(9);
        double[] x = inputs(rnd, n); // not float32 values: a float32 network must round them as loading does
        int[] labels = labels(rnd, n);
        for (Dtype dtype : Dtype.values()) {
            for (boolean normalized : FLAGS) { // without a normalisation the first layer reads x itself
                for (BackwardPath path : new BackwardPath[] {BackwardPath.TRUE, BackwardPath.FEEDBACK}) {
                    Mlp alone = plain(net(Activation.RELU, MatMul.withThreads(1, dtype)), normalized);
                    Mlp three = plain(net(Activation.RELU, MatMul.withThreads(3, dtype)), normalized);
                    double[][] expected = pass(alone, x, labels, path);
                    double[] perSample = expected[expected.length - 1].clone();
                    for (int i = 0; i < perSample.length; i++) {
                        perSample[i] *= n;
                    }
                    String where = dtype + (normalized ? " normalised " : " ") + path.id();
                    for (int again = 0; again < 5; again++) {
                        double[] out = new double[x.length];
                        Pass p = three.newPass(n);
                        assertEquals(expected[0][0], three.sampleInputGradients(p, x, labels, path, out), 0.0, where);
                        assertArrayEquals(perSample, out, 0.0, where + ", each sample's input gradient");
                        assertArrayEquals(expected[1], p.logits().data, 0.0, where + ", logits");
                    }
                }
            }
        }
    }

    /** The network without its input normalisation, unless it is to keep it. */
    private static Mlp plain(Mlp net, boolean normalized) {
        if (normalized) {
            return net;
        }
        Mlp copy = Mlp.create(net.sizes(), net.activation(), net.loss(), new SplittableRandom(5), net.kernel());
        for (int i = 0; i < net.layerCount(); i++) {
            System.arraycopy(net.layer(i).feedback.data, 0, copy.layer(i).feedback.data, 0, net.layer(i).feedback.data.length);
        }
        return copy.roundParameters();
    }

    /** Loss, logits, every delta, every gradient and the input gradient of one forward and backward pass. */
    private static double[][] pass(Mlp net, double[] x, int[] labels, BackwardPath path) {
        Pass p = net.newPass(labels.length);
        net.load(p, x, labels);
        double loss = net.forward(p);
        Gradients g = new Gradients(net);
        net.backward(p, path, g, true);
        java.util.List<double[]> out = new java.util.ArrayList<>();
        out.add(new double[] {loss});
        out.add(p.logits().data.clone());
        for (int i = 0; i < net.layerCount(); i++) {
            out.add(p.delta(i).data.clone());
            out.add(g.weight[i].data.clone());
            out.add(g.bias[i].data.clone());
        }
        out.add(p.inputGradient().data.clone());
        return out.toArray(new double[0][]);
    }
}
