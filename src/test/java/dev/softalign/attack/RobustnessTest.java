package dev.softalign.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.data.Synthetic;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.data.Split;
import dev.softalign.nn.Mlp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RobustnessTest {

    static Mlp net;
    static Dataset test;

    @BeforeAll
    static void train() {
        Split s = Synthetic.blobs(600, 10, 3, 0.15, 5);
        test = s.test();
        net = Trainer.of(TrainConfig.defaults().rule("bp").depth(1).width(16).epochs(10).batch(32).lr(0.05).seed(3), s).run().net();
    }

    static Robustness.Report run(Attack a, long seed, int batch) {
        return Robustness.evaluate(net, a, test, new double[] {0.2, 0, 0.05, 0.1}, Targeting.none(), true, seed, batch);
    }

    @Test
    void deterministicWithoutRandomStartAndWithASeed() {
        GradientSource src = GradientSource.trueGradient(net);
        Pgd fixed = new Pgd(src, Norm.LINF, 0.02, 10, 1, false);
        assertEquals(run(fixed, 1, 50), run(fixed, 2, 50), "no randomness, the seed must not matter");
        assertEquals(run(fixed, 1, 50).results(), run(fixed, 1, 37).results(), "nor the batch size");
        Pgd random = new Pgd(src, Norm.L2, 0.05, 5, 2, true);
        Robustness.Report a = run(random, 7, 50);
        assertEquals(a, run(random, 7, 50));
        double[] x = java.util.Arrays.copyOf(test.x(), 20 * test.features());
        int[] y = java.util.Arrays.copyOf(test.labels(), 20);
        double[] p7 = random.perturb(x, y, null, 0.1, new java.util.SplittableRandom(7));
        assertEquals(java.util.Arrays.toString(p7),
                java.util.Arrays.toString(random.perturb(x, y, null, 0.1, new java.util.SplittableRandom(7))));
        assertNotEquals(java.util.Arrays.toString(p7),
                java.util.Arrays.toString(random.perturb(x, y, null, 0.1, new java.util.SplittableRandom(8))));
    }

    @Test
    void reportsSortedEpsCleanAccuracyAndPassingChecks() {
        // Step size 2.5 eps / steps (Madry et al.): a fixed small step could not reach the corners FGSM jumps to.
        GradientSource src = GradientSource.trueGradient(net);
        Robustness.Report r = Robustness.evaluate(net, e -> new Pgd(src, Norm.LINF, 2.5 * e / 10 + 1e-12, 10, 1, true),
                test, new double[] {0.2, 0, 0.05, 0.1}, Targeting.none(), true, 1, 64);
        assertEquals(test.size(), r.samples());
        double[] eps = r.results().stream().mapToDouble(Robustness.Point::eps).toArray();
        assertEquals(0.0, eps[0]);
        assertEquals(0.2, eps[3]);
        assertEquals(r.cleanAccuracy(), r.results().get(0).robustAccuracy(), "eps 0 is the clean accuracy");
        assertEquals(dev.softalign.nn.Evaluation.of(net, test).accuracy(), r.cleanAccuracy(), 1e-12);
        assertTrue(r.cleanAccuracy() > 0.8, "the blobs model should have learned: " + r.cleanAccuracy());
        assertTrue(r.results().get(3).robustAccuracy() < r.cleanAccuracy() - 0.1, r.toString());
        assertTrue(r.checks().passed(), r.toString());
        assertTrue(r.warnings().isEmpty(), r.warnings().toString());
    }

    @Test
    void transferAttackEvaluatesOnTheTargetModel() {
        Mlp other = Trainer.of(TrainConfig.defaults().rule("bp").depth(1).width(16).epochs(10).batch(32).lr(0.05).seed(4),
                Synthetic.blobs(600, 10, 3, 0.15, 5)).run().net();
        Fgsm crafted = new Fgsm(GradientSource.trueGradient(other));
        Robustness.Report transfer = Robustness.evaluate(net, crafted, test, new double[] {0.1}, Targeting.none(),
                false, 1, 100);
        Robustness.Report white = Robustness.evaluate(net, new Fgsm(GradientSource.trueGradient(net)), test,
                new double[] {0.1}, Targeting.none(), false, 1, 100);
        assertEquals(white.cleanAccuracy(), transfer.cleanAccuracy());
        assertTrue(transfer.results().get(0).robustAccuracy() >= white.results().get(0).robustAccuracy() - 0.02,
                "a transferred attack should not beat the white-box one by much");
    }

    @Test
    void maskedGradientsAreFlagged() {
        // A "PGD" that never moves is weaker than FGSM wherever FGSM breaks anything.
        Attack lazy = new Attack(GradientSource.trueGradient(net)) {
            @Override
            public String name() {
                return "lazy";
            }

            @Override
            public Norm norm() {
                return Norm.LINF;
            }

            @Override
            protected double[] run(double[] x, int[] labels, int[] targets, double eps, java.util.SplittableRandom rng) {
                return x.clone();
            }
        };
        Robustness.Report r = run(lazy, 1, 100);
        assertTrue(r.checks().weakerThanOneStep());
        assertTrue(!r.checks().passed());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("masked gradients")), r.warnings().toString());
    }

    /** The same lazy attack, targeted: it hits the target less often than one step does, and is flagged. */
    @Test
    void maskedTargetedAttackIsFlagged() {
        Attack lazy = new Attack(GradientSource.trueGradient(net)) {
            @Override
            public String name() {
                return "lazy";
            }

            @Override
            public Norm norm() {
                return Norm.LINF;
            }

            @Override
            protected double[] run(double[] x, int[] labels, int[] targets, double eps, java.util.SplittableRandom rng) {
                return x.clone();
            }
        };
        Robustness.Report r = Robustness.create().eps(0.2).targeting(Targeting.fixed(1)).run(net, e -> lazy, test);
        Robustness.Point p = r.results().get(0);
        assertTrue(p.targetSuccess() < p.oneStepTargetSuccess(), p.toString());
        assertTrue(r.checks().weakerThanOneStep() && !r.checks().passed());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("hits the target less often")), r.warnings().toString());
    }

    /**
     * A targeted PGD that hits the target more often than one step passes, and its target success
     * counts only samples not already of the target class (checked against a count done here).
     */
    @Test
    void targetedPgdPassesAndTargetSuccessExcludesTheTargetClass() {
        GradientSource src = GradientSource.trueGradient(net);
        Pgd pgd = new Pgd(src, Norm.LINF, 0.03, 10, 1, false);
        double eps = 0.15;
        Robustness.Report r = Robustness.create().eps(eps).targeting(Targeting.fixed(1)).batch(test.size())
                .run(net, e -> pgd, test);
        Robustness.Point p = r.results().get(0);
        int n = test.size();
        int[] targets = new int[n];
        java.util.Arrays.fill(targets, 1);
        double[] xa = pgd.perturb(test.x(), test.labels(), targets, eps, new java.util.SplittableRandom(0));
        int[] predicted = new int[n];
        GradientSource.predict(net, xa, predicted);
        int ofTarget = 0;
        int hits = 0;
        for (int j = 0; j < n; j++) {
            if (test.labels()[j] == 1) {
                ofTarget++;
            } else if (predicted[j] == 1) {
                hits++;
            }
        }
        assertTrue(ofTarget > 0);
        assertEquals(ofTarget, r.targetExcluded());
        assertEquals((double) hits / (n - ofTarget), p.targetSuccess(), 0.0);
        assertTrue(r.targeted() && r.targetClass().equals("1"));
        assertTrue(p.targetSuccess() >= p.oneStepTargetSuccess(), p.toString());
        assertTrue(r.checks().passed(), r.toString());
        // Random targets are never the label: nothing is excluded.
        assertEquals(0, Robustness.create().eps(eps).targeting(Targeting.random()).run(net, e -> pgd, test).targetExcluded());
    }

    /** The numbers of the false alarm reported on a BP 784-64-10 model: more samples correct, but the target hit more often. */
    @Test
    void targetedAttackIsJudgedOnTheTarget() {
        Robustness.Point p = new Robustness.Point(1.0, 0.6810, 0.6570, Double.NaN, 0.254, 0.212, 1.9, 2.1, 1.0, 0, 0);
        assertTrue(!Robustness.weakerThanOneStep(p, true));
        assertTrue(Robustness.weakerThanOneStep(p, false), "judged on accuracy it would be flagged");
        Robustness.Point tie = new Robustness.Point(1.0, 0.7, 0.7, Double.NaN, 0.2, 0.2, 2.2, 2.1, 1.0, 0, 0);
        assertTrue(Robustness.weakerThanOneStep(tie, true), "equal success, higher target loss");
        assertEquals(-Math.log(Math.exp(1) / (Math.exp(1) + Math.exp(2) + Math.exp(-1))),
                Robustness.crossEntropy(new double[] {9, 1, 2, -1}, 1, 3, 0), 1e-14);
    }
}
