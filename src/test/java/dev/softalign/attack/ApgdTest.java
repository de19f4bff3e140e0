package dev.softalign.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.Activation;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ApgdTest {

    static Mlp net;
    static Dataset test;

    /** A small BP network on 10 overlapping classes: accurate, but far from robust at the radii below. */
    @BeforeAll
    static void train() {
        Split s = Synthetic.blobs(1500, 20, 10, 0.3, 11);
        test = s.test().first(200);
        net = Trainer.of(TrainConfig.defaults().rule("bp").depth(2).width(32).epochs(15).batch(32).lr(0.05).seed(5), s)
                .run().net();
    }

    /**
     * The acceptance test: on a trained BP model APGD-CE and APGD-T are never weaker than PGD-20
     * (random start, 2.5 eps / 20) with the same steps and restarts, at any eps, and they break samples.
     */
    @ParameterizedTest
    @EnumSource(Norm.class)
    void neverWeakerThanPgd20OnATrainedModel(Norm norm) {
        GradientSource src = GradientSource.trueGradient(net);
        double[] eps = norm == Norm.LINF ? new double[] {0.02, 0.05, 0.1} : new double[] {0.1, 0.25, 0.5};
        for (Apgd.Objective o : Apgd.Objective.values()) {
            Apgd apgd = new Apgd(src, norm, o, 20, 1, Apgd.TARGET_CLASSES);
            Robustness.Report r = Robustness.create().eps(eps).seed(3)
                    .pgdReference(e -> new Pgd(src, norm, Pgd.defaultAlpha(e, 20), 20, 1, true)).run(net, e -> apgd, test);
            assertTrue(r.checks().passed(), apgd.name() + ": " + r.warnings());
            assertFalse(r.checks().weakerThanPgd());
            for (Robustness.Point p : r.results()) {
                assertTrue(p.robustAccuracy() <= p.pgdAccuracy(), apgd.name() + " at eps " + p.eps() + ": " + p);
                assertTrue(p.maxDistance() <= p.eps() + Robustness.TOLERANCE);
            }
            Robustness.Point last = r.results().get(r.results().size() - 1);
            assertTrue(last.robustAccuracy() < r.cleanAccuracy() - 0.2, apgd.name() + " must break samples: " + last);
        }
    }

    /**
     * The worst case in AutoAttack's order: entry 0 is the first attack alone (PGD without a random
     * start, one sample per batch, equals Robustness's count), entries never rise, an attack that moves
     * nothing leaves the clean accuracy, and APGD breaks samples PGD left.
     */
    @Test
    void worstCaseStagesInAutoAttacksOrder() {
        GradientSource src = GradientSource.trueGradient(net);
        Dataset small = test.first(80);
        Pgd pgd = new Pgd(src, Norm.LINF, Pgd.defaultAlpha(0.1, 10), 10, 1, false);
        Attack none = new Attack(src) {
            @Override
            public String name() {
                return "none";
            }

            @Override
            public Norm norm() {
                return Norm.LINF;
            }

            @Override
            protected double[] run(double[] x, int[] labels, int[] targets, double eps, SplittableRandom rng) {
                return x.clone();
            }
        };
        Apgd ce = new Apgd(src, Norm.LINF, Apgd.Objective.CE, 10, 1, 1);
        Apgd t = new Apgd(src, Norm.LINF, Apgd.Objective.DLR_TARGETED, 10, 1, 9);
        double[] acc = WorstCase.accuracyAfterEach(net, java.util.List.of(pgd, none, ce, t), small, 0.1,
                new SplittableRandom(2), 1);
        Robustness.Report alone = Robustness.create().eps(0.1).oneStep(false).batch(1).run(net, e -> pgd, small);
        assertEquals(alone.results().get(0).robustAccuracy(), acc[0], 1e-15);
        assertEquals(acc[0], acc[1], 0, "an attack that moves nothing breaks nothing");
        assertTrue(acc[3] <= acc[2] && acc[2] <= acc[1], Arrays.toString(acc));
        assertTrue(acc[3] < acc[0], "APGD breaks samples PGD-10 left: " + Arrays.toString(acc));
        double[] clean = WorstCase.accuracyAfterEach(net, java.util.List.of(none), small, 0.1, new SplittableRandom(2), 30);
        assertEquals(alone.cleanAccuracy(), clean[0], 1e-15);
        assertArrayEquals(acc, WorstCase.accuracyAfterEach(net, java.util.List.of(pgd, none, ce, t), small, 0.1,
                new SplittableRandom(2), 1), "seeded: the same numbers");
    }

    @Test
    void aWeakAttackFailsThePgdCheck() {
        GradientSource src = GradientSource.trueGradient(net);
        Apgd oneStep = new Apgd(src, Norm.LINF, Apgd.Objective.CE, 1, 1, 1);
        Robustness.Report r = Robustness.create().eps(0.1).oneStep(false)
                .pgdReference(e -> new Pgd(src, Norm.LINF, Pgd.defaultAlpha(e, 20), 20, 1, true))
                .run(net, e -> oneStep, test);
        Robustness.Point p = r.results().get(0);
        assertTrue(p.robustAccuracy() > p.pgdAccuracy(), "one APGD step against PGD-20: " + p);
        assertTrue(r.checks().weakerThanPgd());
        assertFalse(r.checks().passed());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("weaker than pgd")), r.warnings().toString());
    }

    @Test
    void deterministicWithinTheBallAndLeavesUnbrokenSamplesAlone() {
        GradientSource src = GradientSource.trueGradient(net);
        int n = 60;
        int f = test.features();
        double[] x = Arrays.copyOf(test.x(), n * f);
        int[] y = Arrays.copyOf(test.labels(), n);
        for (Norm norm : Norm.values()) {
            double eps = norm == Norm.LINF ? 0.03 : 0.15;
            Apgd a = new Apgd(src, norm, Apgd.Objective.DLR_TARGETED, 10, 2, 3);
            double[] xa = a.perturb(x, y, null, eps, new SplittableRandom(4));
            assertArrayEquals(xa, a.perturb(x, y, null, eps, new SplittableRandom(4)), "same seed, same bytes");
            int[] clean = new int[n];
            int[] adv = new int[n];
            src.predict(x, clean);
            src.predict(xa, adv);
            int broken = 0;
            for (int j = 0; j < n; j++) {
                assertTrue(norm.distance(xa, x, j * f, f) <= eps + 1e-12);
                if (adv[j] == y[j]) {
                    assertArrayEquals(Arrays.copyOfRange(x, j * f, (j + 1) * f), Arrays.copyOfRange(xa, j * f, (j + 1) * f),
                            "a sample no run broke comes back unchanged");
                } else {
                    broken += clean[j] == y[j] ? 1 : 0;
                }
            }
            assertTrue(broken > 0, norm + ": some correctly classified sample must break");
            for (double v : xa) {
                assertTrue(v >= 0 && v <= 1);
            }
        }
    }

    /** Both losses' logit gradients against central differences, at random logits with distinct values. */
    @Test
    void logitLossGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(9);
        int classes = 7;
        for (LogitLoss loss : new LogitLoss[] {LogitLoss.CROSS_ENTROPY, LogitLoss.DLR_TARGETED}) {
            for (int trial = 0; trial < 20; trial++) {
                double[] z = new double[classes + 2];
                for (int k = 0; k < z.length; k++) {
                    z[k] = 3 * rng.nextGaussian();
                }
                int label = rng.nextInt(classes);
                int target = (label + 1 + rng.nextInt(classes - 1)) % classes;
                double[] dz = new double[z.length];
                loss.valueAndGradient(z, 2, classes, label, target, dz);
                for (int k = 2; k < 2 + classes; k++) {
                    double h = 1e-6;
                    double[] up = z.clone();
                    double[] down = z.clone();
                    up[k] += h;
                    down[k] -= h;
                    double[] scratch = new double[z.length];
                    double fd = (loss.valueAndGradient(up, 2, classes, label, target, scratch)
                            - loss.valueAndGradient(down, 2, classes, label, target, scratch)) / (2 * h);
                    assertEquals(fd, dz[k], 1e-6 * Math.max(1, Math.abs(fd)), "d/dz_" + k);
                }
            }
        }
        // DLR is invariant to shifting and positively scaling the logits.
        double[] z = {0.3, 2.0, -1.0, 0.9, 1.4};
        double[] w = new double[z.length];
        for (int k = 0; k < z.length; k++) {
            w[k] = 4 * z[k] - 7;
        }
        double[] dz = new double[z.length];
        assertEquals(LogitLoss.DLR_TARGETED.valueAndGradient(z, 0, 5, 1, 4, dz),
                LogitLoss.DLR_TARGETED.valueAndGradient(w, 0, 5, 1, 4, dz), 1e-12);
        // By hand: sorted 2.0, 1.4, 0.9, 0.3; -(z_1 - z_4) / (2.0 - (0.9 + 0.3) / 2) = -0.6 / 1.4.
        assertEquals(-0.6 / 1.4, LogitLoss.DLR_TARGETED.valueAndGradient(z, 0, 5, 1, 4, dz), 1e-11);
    }

    @Test
    void targetsAreTheTopClassesInOrder() {
        double[] z = {0.1, 5.0, -2.0, 3.0, 4.0};
        assertEquals(1, Apgd.ranked(z, 0, 5, 1));
        assertEquals(4, Apgd.ranked(z, 0, 5, 2));
        assertEquals(3, Apgd.ranked(z, 0, 5, 3));
        assertEquals(2, Apgd.ranked(z, 0, 5, 5));
        GradientSource src = GradientSource.trueGradient(net);
        assertEquals(9, new Apgd(src, Norm.LINF, Apgd.Objective.DLR_TARGETED, 5, 1, 20).targetClasses(),
                "capped at classes - 1");
        assertEquals(6L * 2 * 9, new Apgd(src, Norm.LINF, Apgd.Objective.DLR_TARGETED, 5, 2, 9).budget());
    }

    @Test
    void refusesWhatItCannotDo() {
        GradientSource src = GradientSource.trueGradient(net);
        Apgd a = new Apgd(src, Norm.LINF, Apgd.Objective.CE, 5, 1, 1);
        double[] x = Arrays.copyOf(test.x(), 2 * test.features());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.perturb(x, new int[] {0, 1}, new int[] {1, 0}, 0.1, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("untargeted"), e.getMessage());
        Mlp three = Mlp.create(new int[] {4, 5, 3}, Activation.TANH, Loss.CROSS_ENTROPY, new SplittableRandom(1));
        e = assertThrows(IllegalArgumentException.class, () -> new Apgd(GradientSource.trueGradient(three), Norm.LINF,
                Apgd.Objective.DLR_TARGETED, 5, 1, 9));
        assertTrue(e.getMessage().contains("at least 4 classes"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Apgd(src, Norm.LINF, Apgd.Objective.CE, 0, 1, 1));
    }
}
