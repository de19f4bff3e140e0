package dev.softalign.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.learn.Rule;
import dev.softalign.nn.Activation;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Layer;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class AttackTest {

    static double[] inputs(int n, int f, SplittableRandom rng) {
        double[] x = new double[n * f];
        for (int i = 0; i < x.length; i++) {
            // Some values sit exactly on the box edges, where clipping matters.
            double u = rng.nextDouble();
            x[i] = u < 0.15 ? 0 : u > 0.85 ? 1 : rng.nextDouble();
        }
        return x;
    }

    static int[] labels(int n, int classes, SplittableRandom rng) {
        int[] y = new int[n];
        for (int j = 0; j < n; j++) {
            y[j] = rng.nextInt(classes);
        }
        return y;
    }

    static Mlp withBiases(Mlp net, SplittableRandom rng) {
        for (int i = 0; i < net.layerCount(); i++) {
            for (int k = 0; k < net.layer(i).bias.data.length; k++) {
                net.layer(i).bias.data[k] = 0.3 * rng.nextGaussian();
            }
        }
        return net;
    }

    /** grad_x CE = W^T (softmax(Wx+b) - onehot(y)) for a linear model, by plain loops. */
    static double[] closedFormGradient(Mlp net, double[] x, int n, int[] y) {
        Layer l = net.layer(0);
        int in = l.in();
        int out = l.out();
        double[] g = new double[n * in];
        for (int j = 0; j < n; j++) {
            double[] z = new double[out];
            double max = Double.NEGATIVE_INFINITY;
            for (int r = 0; r < out; r++) {
                double s = l.bias.data[r];
                for (int c = 0; c < in; c++) {
                    s += l.weight.data[r + c * out] * x[j * in + c];
                }
                z[r] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int r = 0; r < out; r++) {
                sum += Math.exp(z[r] - max);
            }
            for (int c = 0; c < in; c++) {
                double s = 0;
                for (int r = 0; r < out; r++) {
                    double p = Math.exp(z[r] - max) / sum - (r == y[j] ? 1 : 0);
                    s += l.weight.data[r + c * out] * p;
                }
                g[j * in + c] = s;
            }
        }
        return g;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fgsmOnLinearSoftmaxMatchesClosedForm(boolean targeted) {
        SplittableRandom rng = new SplittableRandom(1);
        int d = 12;
        int classes = 4;
        int n = 9;
        Mlp net = withBiases(Mlp.create(new int[] {d, classes}, Activation.RELU, Loss.CROSS_ENTROPY, rng), rng);
        double[] x = inputs(n, d, rng);
        int[] y = labels(n, classes, rng);
        int[] t = targeted ? Targeting.random().targets(y, classes, rng) : null;
        double eps = 0.1;
        double[] g = closedFormGradient(net, x, n, targeted ? t : y);
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double step = targeted ? -Math.signum(g[i]) : Math.signum(g[i]);
            expected[i] = Math.min(1, Math.max(0, x[i] + eps * step));
        }
        double[] xa = new Fgsm(GradientSource.trueGradient(net)).perturb(x, y, t, eps, rng);
        assertArrayEquals(expected, xa, 1e-15);
    }

    @Test
    void oneL2StepOnLinearSoftmaxIsTheNormalisedGradientStep() {
        SplittableRandom rng = new SplittableRandom(12);
        int d = 15;
        int n = 6;
        Mlp net = withBiases(Mlp.create(new int[] {d, 3}, Activation.RELU, Loss.CROSS_ENTROPY, rng), rng);
        double[] x = inputs(n, d, rng);
        int[] y = labels(n, 3, rng);
        double eps = 0.4;
        double[] g = closedFormGradient(net, x, n, y);
        double[] expected = new double[x.length];
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < d; i++) {
                s += g[j * d + i] * g[j * d + i];
            }
            for (int i = 0; i < d; i++) {
                // A step of exactly eps lands on the sphere, so projection is a no-op; then clip.
                expected[j * d + i] = Math.min(1, Math.max(0, x[j * d + i] + eps * g[j * d + i] / Math.sqrt(s)));
            }
        }
        double[] xa = new Pgd(GradientSource.trueGradient(net), Norm.L2, eps, 1, 1, false).perturb(x, y, null, eps, rng);
        assertArrayEquals(expected, xa, 1e-12);
    }

    @Test
    void inputGradientMatchesClosedFormAndIsCrossEntropyForAnMseModel() {
        SplittableRandom rng = new SplittableRandom(2);
        Mlp mse = withBiases(Mlp.create(new int[] {7, 3}, Activation.RELU, Loss.MSE, rng), rng);
        double[] x = inputs(5, 7, rng);
        int[] y = {0, 1, 2, 2, 0};
        double[] g = new double[x.length];
        GradientSource s = GradientSource.trueGradient(mse);
        assertEquals(Loss.CROSS_ENTROPY, s.net().loss());
        assertEquals(Loss.MSE, mse.loss(), "the model itself is untouched");
        s.gradient(x, y, g, null);
        assertArrayEquals(closedFormGradient(mse, x, 5, y), g, 1e-12);
    }

    @Test
    void onePgdStepWithoutRandomStartAndAlphaEpsIsFgsm() {
        SplittableRandom rng = new SplittableRandom(3);
        Mlp net = withBiases(Mlp.create(new int[] {10, 8, 6, 3}, Activation.TANH, Loss.CROSS_ENTROPY, rng), rng);
        double[] x = inputs(6, 10, rng);
        int[] y = labels(6, 3, rng);
        GradientSource src = GradientSource.trueGradient(net);
        double eps = 0.07;
        double[] fgsm = new Fgsm(src).perturb(x, y, null, eps, rng);
        double[] pgd = new Pgd(src, Norm.LINF, eps, 1, 1, false).perturb(x, y, null, eps, rng);
        assertArrayEquals(fgsm, pgd, 0.0);
        assertArrayEquals(fgsm, Pgd.oneStep(src, Norm.LINF, eps).perturb(x, y, null, eps, rng), 0.0);
    }

    @Test
    void zeroEpsChangesNothing() {
        SplittableRandom rng = new SplittableRandom(4);
        Mlp net = withBiases(Mlp.create(new int[] {10, 8, 3}, Activation.RELU, Loss.CROSS_ENTROPY, rng), rng);
        double[] x = inputs(5, 10, rng);
        int[] y = labels(5, 3, rng);
        GradientSource src = GradientSource.trueGradient(net);
        Attack[] attacks = {new Fgsm(src), new Pgd(src, Norm.LINF, 0.01, 5, 2, true),
            new Pgd(src, Norm.L2, 0.1, 5, 2, true)};
        for (Attack a : attacks) {
            assertArrayEquals(x, a.perturb(x, y, null, 0, rng), 0.0, a.name());
            assertArrayEquals(x, a.perturb(x, y, Targeting.fixed(1).targets(y, 3, rng), 0, rng), 0.0, a.name());
        }
    }

    /** Property: over random models, inputs and eps, every sample stays in its ball and in [0,1]. */
    @ParameterizedTest
    @EnumSource(Norm.class)
    void adversarialSamplesStayInBallAndBox(Norm norm) {
        SplittableRandom rng = new SplittableRandom(norm.ordinal() + 10);
        for (int trial = 0; trial < 25; trial++) {
            int depth = rng.nextInt(3);
            int f = 3 + rng.nextInt(20);
            int classes = 2 + rng.nextInt(4);
            int[] sizes = Mlp.sizes(f, depth, 2 + rng.nextInt(8), classes);
            Activation act = Activation.values()[rng.nextInt(Activation.values().length)];
            Mlp net = withBiases(Mlp.create(sizes, act, Loss.values()[rng.nextInt(2)], rng), rng);
            int n = 1 + rng.nextInt(7);
            double[] x = inputs(n, f, rng);
            int[] y = labels(n, classes, rng);
            double eps = norm == Norm.LINF ? rng.nextDouble(0, 0.5) : rng.nextDouble(0, 3);
            double alpha = eps * rng.nextDouble(0.1, 3) + 1e-6;
            int[] t = rng.nextBoolean() ? Targeting.random().targets(y, classes, rng) : null;
            Pgd pgd = new Pgd(GradientSource.trueGradient(net), norm, alpha, 1 + rng.nextInt(6), 1 + rng.nextInt(3),
                    rng.nextBoolean());
            double[] xa = pgd.perturb(x, y, t, eps, rng);
            for (int j = 0; j < n; j++) {
                double dist = norm.distance(xa, x, j * f, f);
                assertTrue(dist <= eps + 1e-12, "trial " + trial + ": distance " + dist + " > eps " + eps);
            }
            for (double v : xa) {
                assertTrue(v >= 0 && v <= 1, "trial " + trial + ": value " + v + " outside [0,1]");
            }
            if (norm == Norm.LINF) {
                double[] fg = new Fgsm(pgd.source()).perturb(x, y, t, eps, rng);
                for (int j = 0; j < n; j++) {
                    assertTrue(norm.distance(fg, x, j * f, f) <= eps + 1e-12);
                }
            }
        }
    }

    @Test
    void l2RandomStartIsInsideTheBallAndSpreadsOverIt() {
        SplittableRandom rng = new SplittableRandom(5);
        int f = 4;
        int n = 4000;
        double[] x = new double[n * f];
        double[] xa = new double[n * f];
        Norm.L2.randomStart(xa, x, 2.0, n, f, rng);
        // Uniform in a 4-ball of radius 2: P(r <= 1) = (1/2)^4.
        int inner = 0;
        for (int j = 0; j < n; j++) {
            double r = Norm.L2.distance(xa, x, j * f, f);
            assertTrue(r <= 2.0 + 1e-12);
            inner += r <= 1 ? 1 : 0;
        }
        assertEquals(1.0 / 16, (double) inner / n, 0.015);
    }

    @Test
    void trueAndFeedbackPathsGiveDifferentAttacksOnAnFaModel() {
        SplittableRandom rng = new SplittableRandom(6);
        Mlp net = withBiases(Mlp.create(new int[] {12, 10, 10, 4}, Activation.RELU, Loss.CROSS_ENTROPY, rng), rng);
        Rule fa = Rule.parse("fa", 1);
        fa.initialize(net, rng);
        assertEquals(BackwardPath.FEEDBACK, fa.path());
        double[] x = inputs(8, 12, rng);
        int[] y = labels(8, 4, rng);
        double[] gTrue = new double[x.length];
        double[] gFeedback = new double[x.length];
        new GradientSource(net, BackwardPath.TRUE).gradient(x, y, gTrue, null);
        new GradientSource(net, fa.path()).gradient(x, y, gFeedback, null);
        double cos = dev.softalign.nn.Vectors.cosine(gTrue, gFeedback);
        assertTrue(cos < 0.9, "random feedback should not reproduce the input gradient, cos " + cos);
        double[] a = new Fgsm(new GradientSource(net, BackwardPath.TRUE)).perturb(x, y, null, 0.1, rng);
        double[] b = new Fgsm(new GradientSource(net, BackwardPath.FEEDBACK)).perturb(x, y, null, 0.1, rng);
        assertFalse(java.util.Arrays.equals(a, b));
        // The true path is the finite-difference gradient of the per-sample CE.
        double h = 1e-6;
        for (int i : new int[] {0, 5, 13, 40, 95}) {
            int j = i / 12;
            double[] xp = x.clone();
            double[] xm = x.clone();
            xp[i] += h;
            xm[i] -= h;
            double up = sampleLoss(net, xp, y, j);
            double down = sampleLoss(net, xm, y, j);
            assertEquals((up - down) / (2 * h), gTrue[i], 1e-7);
        }
    }

    static double sampleLoss(Mlp net, double[] x, int[] y, int j) {
        int f = net.inputSize();
        return net.gradient(java.util.Arrays.copyOfRange(x, j * f, (j + 1) * f), new int[] {y[j]}, null);
    }

    @ParameterizedTest
    @EnumSource(Norm.class)
    void targetedAttacksMoveTowardTheTarget(Norm norm) {
        SplittableRandom rng = new SplittableRandom(7);
        Mlp net = withBiases(Mlp.create(new int[] {20, 16, 5}, Activation.RELU, Loss.CROSS_ENTROPY, rng), rng);
        int n = 30;
        double[] x = inputs(n, 20, rng);
        int[] y = labels(n, 5, rng);
        int[] t = Targeting.random().targets(y, 5, rng);
        for (int j = 0; j < n; j++) {
            assertNotEquals(y[j], t[j]);
        }
        double eps = norm == Norm.LINF ? 0.3 : 3;
        Pgd pgd = new Pgd(GradientSource.trueGradient(net), norm, eps / 8, 20, 1, false);
        double[] xa = pgd.perturb(x, y, t, eps, rng);
        int hits = 0;
        int[] pred = new int[n];
        GradientSource.predict(net, xa, pred);
        for (int j = 0; j < n; j++) {
            double before = sampleLoss(net, x, t, j);
            double after = sampleLoss(net, xa, t, j);
            assertTrue(after < before, "sample " + j + ": CE toward the target rose from " + before + " to " + after);
            hits += pred[j] == t[j] ? 1 : 0;
        }
        assertTrue(hits > n / 2, "only " + hits + " of " + n + " reached their target");
    }

    @Test
    void restartsKeepEachSamplesWorstCase() {
        SplittableRandom rng = new SplittableRandom(8);
        Mlp net = withBiases(Mlp.create(new int[] {10, 8, 3}, Activation.RELU, Loss.CROSS_ENTROPY, rng), rng);
        int n = 40;
        double[] x = inputs(n, 10, rng);
        int[] y = labels(n, 3, rng);
        GradientSource src = GradientSource.trueGradient(net);
        double eps = 0.05;
        Pgd three = new Pgd(src, Norm.LINF, 0.01, 3, 3, true);
        Pgd single = new Pgd(src, Norm.LINF, 0.01, 3, 1, true);
        // Each restart draws its start from the same stream in turn, so three single runs replay them.
        double[] best = three.perturb(x, y, null, eps, new SplittableRandom(99));
        SplittableRandom replay = new SplittableRandom(99);
        boolean[] anyBroken = new boolean[n];
        int[] pred = new int[n];
        for (int r = 0; r < 3; r++) {
            GradientSource.predict(net, single.perturb(x, y, null, eps, replay), pred);
            for (int j = 0; j < n; j++) {
                anyBroken[j] |= pred[j] != y[j];
            }
        }
        GradientSource.predict(net, best, pred);
        int broken = 0;
        for (int j = 0; j < n; j++) {
            assertEquals(anyBroken[j], pred[j] != y[j], "sample " + j);
            broken += anyBroken[j] ? 1 : 0;
        }
        assertTrue(broken > 0 && broken < n, "the test needs some broken and some intact samples: " + broken);
    }
}
