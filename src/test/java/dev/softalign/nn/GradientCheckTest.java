package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/** The backpropagated gradient against central finite differences of the loss, in float64. */
class GradientCheckTest {

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Activation a : Activation.values()) {
            for (Loss l : Loss.values()) {
                b.add(Arguments.of(a, l));
            }
        }
        return b.build();
    }

    static double[] randomInputs(int n, int f, SplittableRandom rng) {
        double[] x = new double[n * f];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble();
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("cases")
    void parameterGradientMatchesFiniteDifferences(Activation act, Loss loss) {
        SplittableRandom rng = new SplittableRandom(7);
        Mlp net = Mlp.create(new int[] {6, 5, 4, 3}, act, loss, rng);
        // Non-zero biases so every bias gradient is exercised away from symmetric points.
        for (int i = 0; i < net.layerCount(); i++) {
            for (int k = 0; k < net.layer(i).bias.data.length; k++) {
                net.layer(i).bias.data[k] = 0.1 * rng.nextGaussian();
            }
        }
        int n = 7;
        double[] x = randomInputs(n, 6, rng);
        int[] y = {0, 1, 2, 0, 1, 2, 1};
        Gradients g = new Gradients(net);
        net.gradient(x, y, g);
        double[] analytic = g.toFlat();
        double[] p = net.parameters();
        double[] numeric = new double[p.length];
        double h = 1e-5;
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + h;
            net.setParameters(p);
            double up = net.gradient(x, y, null);
            p[i] = keep - h;
            net.setParameters(p);
            double down = net.gradient(x, y, null);
            p[i] = keep;
            numeric[i] = (up - down) / (2 * h);
        }
        net.setParameters(p);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < p.length; i++) {
            diff += (analytic[i] - numeric[i]) * (analytic[i] - numeric[i]);
            norm += analytic[i] * analytic[i];
        }
        double rel = Math.sqrt(diff / norm);
        assertTrue(norm > 0, "gradient should not vanish");
        assertTrue(rel < 1e-6, act + "/" + loss + ": relative error " + rel);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void inputGradientMatchesFiniteDifferencesThroughNormalisation(Activation act, Loss loss) {
        SplittableRandom rng = new SplittableRandom(11);
        Mlp net = Mlp.create(new int[] {5, 4, 3}, act, loss, rng).normalize(new double[] {0.3}, new double[] {0.7});
        int n = 3;
        double[] x = randomInputs(n, 5, rng);
        int[] y = {2, 0, 1};
        Pass p = net.pass(n);
        net.load(p, x, y);
        net.forward(p);
        net.backward(p, BackwardPath.TRUE, null, true);
        double[] analytic = p.inputGradient().data.clone();
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double up = net.gradient(x, y, null);
            x[i] = keep - h;
            double down = net.gradient(x, y, null);
            x[i] = keep;
            // The pass's loss is the batch mean; the input gradient is of that mean.
            assertEquals((up - down) / (2 * h), analytic[i], 1e-7 * Math.max(1, Math.abs(analytic[i])));
        }
    }

    @org.junit.jupiter.api.Test
    void bothKernelsGiveTheSameForwardPass() {
        SplittableRandom rng = new SplittableRandom(3);
        Mlp net = Mlp.create(new int[] {13, 9, 4}, Activation.TANH, Loss.CROSS_ENTROPY, rng);
        double[] x = randomInputs(5, 13, rng);
        int[] y = {0, 1, 2, 3, 0};
        Pass p = net.pass(5);
        net.load(p, x, y);
        double loss = net.forward(p);
        // Recompute by hand with plain loops.
        double expected = 0;
        for (int j = 0; j < 5; j++) {
            double[] h = new double[13];
            System.arraycopy(x, j * 13, h, 0, 13);
            for (int li = 0; li < 2; li++) {
                Layer l = net.layer(li);
                double[] o = new double[l.out()];
                for (int r = 0; r < l.out(); r++) {
                    double s = l.bias.data[r];
                    for (int c = 0; c < l.in(); c++) {
                        s += l.weight.data[r + c * l.out()] * h[c];
                    }
                    o[r] = li == 0 ? Math.tanh(s) : s;
                }
                h = o;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : h) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : h) {
                sum += Math.exp(v - max);
            }
            expected += max + Math.log(sum) - h[y[j]];
        }
        assertEquals(expected / 5, loss, 1e-12);
    }

    @org.junit.jupiter.api.Test
    void anglesAreAccurateNearZeroAndMatchAcosElsewhere() {
        double[] a = {1, 2, 3};
        // A tiny angle, exactly representable: acos of the cosine would round it to 0.
        double eps = Math.scalb(1.0, -30);
        assertEquals(Math.toDegrees(Math.atan(eps)), Vectors.angleDegrees(new double[] {0, 0, 1}, new double[] {eps, 0, 1}),
                1e-12 * Math.toDegrees(eps));
        assertEquals(0.0, Vectors.angleDegrees(a, a.clone()), 0);
        assertEquals(180.0, Vectors.angleDegrees(a, new double[] {-1, -2, -3}), 1e-12);
        double[] b = {-2, 0.5, 1};
        double expected = Math.toDegrees(Math.acos(Vectors.dot(a, b) / (Vectors.norm(a) * Vectors.norm(b))));
        assertEquals(expected, Vectors.angleDegrees(a, b), 1e-12);
        assertEquals(90.0, Vectors.angleDegrees(a, new double[3]), 0);
    }
}
