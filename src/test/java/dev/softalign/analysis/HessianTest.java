package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Activation;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Exact Hessian-vector products against central finite differences of the backpropagated gradient. */
class HessianTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Activation a : Activation.values()) {
            for (Loss l : Loss.values()) {
                b.add(Arguments.of(a, l));
            }
        }
        return b.build();
    }

    /** A small net with non-zero biases so every term of the R-pass is exercised. */
    static Mlp smallNet(Activation act, Loss loss, int[] sizes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Mlp net = Mlp.create(sizes, act, loss, rng);
        for (int i = 0; i < net.layerCount(); i++) {
            for (int k = 0; k < net.layer(i).bias.data.length; k++) {
                net.layer(i).bias.data[k] = 0.1 * rng.nextGaussian();
            }
        }
        return net;
    }

    static Dataset data(int n, int features, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[n * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble();
        }
        int[] y = new int[n];
        for (int j = 0; j < n; j++) {
            y[j] = j % classes;
        }
        return new Dataset("test", new int[] {features}, classes, x, y);
    }

    /** Mean-loss gradient over the whole dataset at parameters p. */
    static double[] gradientAt(Mlp net, Dataset d, double[] p) {
        Mlp m = net.copy();
        m.setParameters(p);
        Gradients g = new Gradients(m);
        m.gradient(d.x(), d.labels(), g);
        return g.toFlat();
    }

    static double relativeError(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return Math.sqrt(diff / norm);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void productMatchesFiniteDifferencesOfTheGradient(Activation act, Loss loss) {
        Mlp net = smallNet(act, loss, new int[] {6, 5, 4, 3}, 3);
        Dataset d = data(9, 6, 3, 4);
        // Chunks of 4 (4 + 4 + 1 samples) exercise the sample-weighted accumulation.
        Hessian h = Hessian.of(net, d, 4);
        double[] p = net.parameters();
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 3; trial++) {
            double[] v = Lanczos.gaussian(p.length, rng);
            double[] hv = h.times(v);
            double eps = 1e-5;
            double[] up = p.clone();
            double[] down = p.clone();
            for (int i = 0; i < p.length; i++) {
                up[i] += eps * v[i];
                down[i] -= eps * v[i];
            }
            double[] gu = gradientAt(net, d, up);
            double[] gd = gradientAt(net, d, down);
            double[] fd = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                fd[i] = (gu[i] - gd[i]) / (2 * eps);
            }
            double rel = relativeError(hv, fd);
            assertTrue(rel < 1e-6, act + "/" + loss + ": relative error " + rel);
        }
        assertEquals(3, h.products());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void productsCutAmongKernelThreadsGiveOneThreadsBits(Activation act, Loss loss) {
        // Large enough that a 3-thread kernel cuts the R-pass by samples and the gradients by columns.
        int[] sizes = {60, 50, 40, 10};
        Dataset d = data(70, 60, 10, 12);
        // Two and three threads: the parts cut each layer's rows differently, and reach layers at different times.
        int[] threads = {1, 2, 3};
        double[][] results = new double[3][];
        double[][] blocks = new double[3][];
        for (int t = 0; t < 3; t++) {
            SplittableRandom rng = new SplittableRandom(11);
            dev.softalign.nn.MatMul kernel = dev.softalign.nn.MatMul.withThreads(threads[t]);
            Mlp net = Mlp.create(sizes, act, loss, rng, kernel);
            Hessian h = Hessian.of(net, d, 35); // two chunks
            assertEquals(threads[t], kernel.parts(6.0 * 35 * h.dimension()), "this test cuts its products");
            double[] v = Lanczos.gaussian(h.dimension(), new SplittableRandom(2));
            results[t] = h.times(v);
            for (int again = 0; again < 50; again++) { // parts race, if they do, by timing: look more than once
                assertArrayEquals(results[t], h.times(v), 0.0, act + " " + loss + ", " + threads[t] + " threads, again");
            }
            LinearOperator block = h.layer(1);
            double[] u = java.util.Arrays.copyOfRange(v, h.layerOffset(1), h.layerOffset(1) + h.layerSize(1));
            blocks[t] = block.times(u);
        }
        for (int t = 1; t < 3; t++) {
            assertArrayEquals(results[0], results[t], 0.0, act + " " + loss + ", " + threads[t] + " threads");
            assertArrayEquals(blocks[0], blocks[t], 0.0, act + " " + loss + ", " + threads[t] + " threads, layer 1's block");
        }
    }

    @Test
    void chunkingDoesNotChangeTheProduct() {
        Mlp net = smallNet(Activation.TANH, Loss.CROSS_ENTROPY, new int[] {5, 4, 3}, 8);
        Dataset d = data(10, 5, 3, 9);
        double[] v = Lanczos.gaussian(net.parameterCount(), new SplittableRandom(1));
        double[] whole = Hessian.of(net, d, 10).times(v);
        Hessian chunked = Hessian.of(net, d, 3);
        double[] first = chunked.times(v);
        double[] again = chunked.times(v); // accumulators restart from zero on every call
        assertArrayEquals(first, again, 0.0);
        assertTrue(relativeError(first, whole) < 1e-13);
        assertTrue(chunked.cachesForward());
        // Recomputing the forward state per chunk and product gives the same numbers, bit for bit.
        Hessian recomputing = Hessian.of(net, d, 3, 0);
        assertTrue(!recomputing.cachesForward());
        assertArrayEquals(first, recomputing.times(v), 0.0);
        assertArrayEquals(first, recomputing.times(v), 0.0);
        Hessian sigmoid = Hessian.of(HessianTest.smallNet(Activation.SIGMOID, Loss.MSE, new int[] {5, 4, 3}, 8), d, 4);
        Hessian sigmoidRecomputing = Hessian.of(HessianTest.smallNet(Activation.SIGMOID, Loss.MSE, new int[] {5, 4, 3}, 8),
                d, 4, 0);
        sigmoid.times(v);
        assertArrayEquals(sigmoid.times(v), sigmoidRecomputing.times(v), 0.0);
        assertArrayEquals(Hessian.of(net, d, 10).gradient(), Hessian.of(net, d, 3).gradient(), 1e-14);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void denseHessianIsSymmetricAndMatchesFiniteDifferences(Activation act, Loss loss) {
        Mlp net = smallNet(act, loss, new int[] {4, 3, 3, 2}, 11);
        Dataset d = data(6, 4, 2, 12);
        Hessian h = Hessian.of(net, d);
        double[][] dense = Dense.matrix(h);
        int n = dense.length;
        assertEquals(net.parameterCount(), n);
        assertTrue(Dense.asymmetry(dense) < 1e-12, "asymmetry " + Dense.asymmetry(dense));
        // Column j against the finite-difference Jacobian of the gradient along e_j.
        double[] p = net.parameters();
        double eps = 1e-5;
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < n; j++) {
            double[] up = p.clone();
            double[] down = p.clone();
            up[j] += eps;
            down[j] -= eps;
            double[] gu = gradientAt(net, d, up);
            double[] gd = gradientAt(net, d, down);
            for (int i = 0; i < n; i++) {
                double fd = (gu[i] - gd[i]) / (2 * eps);
                diff += (dense[i][j] - fd) * (dense[i][j] - fd);
                norm += dense[i][j] * dense[i][j];
            }
        }
        assertTrue(Math.sqrt(diff / norm) < 1e-6, act + "/" + loss + ": relative error " + Math.sqrt(diff / norm));
    }

    @Test
    void layerBlockIsTheDiagonalBlockOfTheFullHessian() {
        Mlp net = smallNet(Activation.SIGMOID, Loss.CROSS_ENTROPY, new int[] {4, 3, 3, 2}, 13);
        Dataset d = data(5, 4, 2, 14);
        Hessian h = Hessian.of(net, d);
        double[][] full = Dense.matrix(h);
        for (int l = 0; l < net.layerCount(); l++) {
            double[][] block = Dense.matrix(h.layer(l));
            int o = h.layerOffset(l);
            assertEquals(h.layerSize(l), block.length);
            for (int i = 0; i < block.length; i++) {
                for (int j = 0; j < block.length; j++) {
                    assertEquals(full[o + i][o + j], block[i][j], 1e-14);
                }
            }
        }
    }

    @Test
    void denseRefusesLargeOperators() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dense.matrix(LinearOperator.diagonal(new double[Dense.LIMIT + 1])));
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void hessianCopiesTheNetwork() {
        Mlp net = smallNet(Activation.TANH, Loss.MSE, new int[] {3, 2, 2}, 15);
        Dataset d = data(4, 3, 2, 16);
        Hessian h = Hessian.of(net, d);
        double[] v = Lanczos.gaussian(net.parameterCount(), new SplittableRandom(2));
        double[] before = h.times(v);
        double[] p = net.parameters();
        p[0] += 1;
        net.setParameters(p);
        assertArrayEquals(before, h.times(v), 0.0);
    }
}
