package dev.softalign.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.nn.Activation;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Layer;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import dev.softalign.nn.Vectors;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RulesTest {

    static Split blobs(int n, int f, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] centers = new double[classes * f];
        for (int i = 0; i < centers.length; i++) {
            centers[i] = rng.nextDouble();
        }
        double[] x = new double[n * f];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
            for (int k = 0; k < f; k++) {
                x[i * f + k] = Math.min(1, Math.max(0, centers[y[i] * f + k] + 0.15 * rng.nextGaussian()));
            }
        }
        Dataset all = new Dataset("blobs", new int[] {f}, classes, x, y);
        return new Split(all.slice(0, n * 4 / 5), all.slice(n * 4 / 5, n));
    }

    @Test
    void bpEqualsFaWithFeedbackRetiedBeforeEveryStep() {
        Split data = blobs(300, 8, 3, 5);
        TrainConfig c = TrainConfig.defaults().depth(3).width(16).epochs(1).batch(32).lr(0.05);
        Mlp bp = Trainer.initialize(c, data.train());
        Mlp fa = bp.copy();
        Rule fab = new FeedbackAlignment(1.0);
        fab.initialize(fa, new SplittableRandom(99));
        Optimizer o1 = Optimizer.parse("sgd", 0.9, 1e-4, false);
        Optimizer o2 = Optimizer.parse("sgd", 0.9, 1e-4, false);
        Gradients g1 = new Gradients(bp);
        Gradients g2 = new Gradients(fa);
        for (int step = 0; step < 5; step++) {
            int from = step * 32;
            Pass p1 = bp.pass(32);
            bp.load(p1, data.train(), null, from);
            bp.forward(p1);
            bp.backward(p1, new Backprop().path(), g1, false);
            o1.step(bp, g1, 0.05);
            Backprop.tie(fa); // re-tie B to W: FA then is backpropagation
            Pass p2 = fa.pass(32);
            fa.load(p2, data.train(), null, from);
            fa.forward(p2);
            fa.backward(p2, fab.path(), g2, false);
            o2.step(fa, g2, 0.05);
        }
        assertArrayEquals(bp.parameters(), fa.parameters());
    }

    @Test
    void faWithUntiedFeedbackDiffersFromBp() {
        SplittableRandom rng = new SplittableRandom(1);
        Mlp net = Mlp.create(new int[] {4, 6, 6, 3}, Activation.RELU, Loss.CROSS_ENTROPY, rng);
        new FeedbackAlignment(1).initialize(net, rng);
        double[] x = new double[4 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble();
        }
        int[] y = {0, 1, 2, 0, 1};
        Pass p = net.pass(5);
        net.load(p, x, y);
        net.forward(p);
        Gradients gt = new Gradients(net);
        Gradients gf = new Gradients(net);
        net.backward(p, BackwardPath.TRUE, gt, false);
        net.backward(p, BackwardPath.FEEDBACK, gf, false);
        // The last layer's update is the same for every rule; earlier ones differ.
        assertArrayEquals(gt.weight[2].data, gf.weight[2].data);
        assertTrue(!java.util.Arrays.equals(gt.weight[0].data, gf.weight[0].data));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.1, 0.5, 0.9, 1.0})
    void softAlignmentSetsExactCosineAndNorm(double a) {
        for (Alignment.From from : Alignment.From.values()) {
            SplittableRandom rng = new SplittableRandom(3);
            Mlp net = Mlp.create(new int[] {30, 20, 20, 10}, Activation.RELU, Loss.CROSS_ENTROPY, rng);
            new FeedbackAlignment(1).initialize(net, rng);
            double[][] before = new double[net.layerCount()][];
            for (int i = 0; i < net.layerCount(); i++) {
                before[i] = (from == Alignment.From.FORWARD ? net.layer(i).weight : net.layer(i).feedback).data.clone();
            }
            Alignment.apply(net, a, from);
            for (int i = 0; i < net.layerCount(); i++) {
                Layer l = net.layer(i);
                assertEquals(a, Vectors.cosine(l.weight.data, l.feedback.data), 1e-12, "cos at layer " + i);
                assertEquals(Vectors.norm(l.weight.data), Vectors.norm(l.feedback.data), 1e-12 * Vectors.norm(l.weight.data));
                // The source side is untouched.
                double[] src = (from == Alignment.From.FORWARD ? l.weight : l.feedback).data;
                assertArrayEquals(before[i], src);
            }
            double[] angles = net.feedbackAnglesDegrees();
            assertEquals(Math.toDegrees(Math.acos(a)), angles[0], 1e-6);
        }
    }

    @Test
    void alignmentOneMakesFeedbackEqualWeights() {
        SplittableRandom rng = new SplittableRandom(4);
        Mlp net = Mlp.create(new int[] {7, 5, 3}, Activation.RELU, Loss.CROSS_ENTROPY, rng);
        new FeedbackAlignment(1).initialize(net, rng);
        Alignment.apply(net, 1.0, Alignment.From.FORWARD);
        for (int i = 0; i < net.layerCount(); i++) {
            assertArrayEquals(net.layer(i).weight.data, net.layer(i).feedback.data);
        }
    }

    @Test
    void feedbackStaysFixedDuringFaTraining() {
        Split data = blobs(200, 6, 3, 2);
        TrainConfig c = TrainConfig.defaults().rule("fa").align(0.5).depth(2).width(8).epochs(2).batch(16);
        Mlp init = Trainer.initialize(c, data.train());
        TrainedModel run = Trainer.of(c, data).run();
        for (int i = 0; i < init.layerCount(); i++) {
            assertArrayEquals(init.layer(i).feedback.data, run.net().layer(i).feedback.data);
        }
        assertNotEquals(init.layer(0).weight.data[0], run.net().layer(0).weight.data[0]);
        // Angle at epoch 0 is acos(0.5) = 60 degrees in every layer.
        for (double angle : run.history().get(0).anglesDegrees()) {
            assertEquals(60.0, angle, 1e-9);
        }
    }

    @Test
    void signSymmetricFeedbackFollowsTheSignOfW() {
        for (String id : new String[] {"usf", "frsf", "brsf"}) {
            SplittableRandom rng = new SplittableRandom(8);
            Mlp net = Mlp.create(new int[] {5, 4, 3}, Activation.RELU, Loss.CROSS_ENTROPY, rng);
            Rule r = Rule.parse(id, 1);
            r.initialize(net, rng);
            r.beforeStep(net, rng);
            for (int i = 0; i < net.layerCount(); i++) {
                double[] w = net.layer(i).weight.data;
                double[] b = net.layer(i).feedback.data;
                for (int k = 0; k < w.length; k++) {
                    assertEquals(Math.signum(w[k]), Math.signum(b[k]), id);
                }
            }
            if (id.equals("usf")) {
                double m = Math.sqrt(2.0 / 5);
                assertEquals(m, Math.abs(net.layer(0).feedback.data[0]), 1e-15);
            }
        }
    }

    @Test
    void kolenPollackShrinksTheGapBetweenWAndBGeometrically() {
        // With plain SGD, W - B evolves as (1 - lr wd)(W - B) per step: both get the same gradient.
        Split data = blobs(400, 6, 3, 9);
        double lr = 0.05;
        double wd = 0.05;
        TrainConfig c = TrainConfig.defaults().rule("kp").depth(2).width(8).epochs(3).batch(16).lr(lr)
                .weightDecay(wd).momentum(0);
        Mlp init = Trainer.initialize(c, data.train());
        TrainedModel run = Trainer.of(c, data).run();
        int steps = 3 * (320 / 16);
        double factor = Math.pow(1 - lr * wd, steps);
        for (int i = 0; i < init.layerCount(); i++) {
            double before = gap(init.layer(i));
            double after = gap(run.net().layer(i));
            assertEquals(factor * before, after, 1e-9 * before, "layer " + i);
        }
        double[] first = run.history().get(0).anglesDegrees();
        double[] last = run.last().anglesDegrees();
        for (int i = 0; i < first.length; i++) {
            assertTrue(last[i] < first[i], "layer " + i + ": " + first[i] + " -> " + last[i]);
        }
    }

    private static double gap(Layer l) {
        double s = 0;
        for (int k = 0; k < l.weight.data.length; k++) {
            double d = l.weight.data[k] - l.feedback.data[k];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    @Test
    void directFeedbackShapesAndTrains() {
        Split data = blobs(300, 6, 3, 12);
        TrainConfig c = TrainConfig.defaults().rule("dfa").depth(3).width(10).epochs(5).batch(16).lr(0.02);
        TrainedModel run = Trainer.of(c, data).run();
        assertEquals(3, run.net().layer(0).feedback.getRowDim());
        assertTrue(run.testAccuracy() > 0.8, "dfa accuracy " + run.testAccuracy());
    }

    @Test
    void alignRejectedForRulesWithoutMatchingFeedback() {
        TrainConfig c = TrainConfig.defaults().rule("dfa").align(0.5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::validate);
        assertTrue(e.getMessage().contains("--align"));
    }

    @Test
    void everyRuleLearnsBlobs() {
        Split data = blobs(400, 8, 4, 21);
        for (String id : Rule.ids()) {
            TrainConfig c = TrainConfig.defaults().rule(id).depth(2).width(16).epochs(4).batch(16).lr(0.02);
            TrainedModel run = Trainer.of(c, data).run();
            assertTrue(run.testAccuracy() > 0.85, id + " accuracy " + run.testAccuracy());
            assertTrue(run.last().trainLoss() < run.history().get(0).trainLoss(), id + " loss did not fall");
        }
    }

    @Test
    void registryListsTheSevenRulesAndEachRoundTripsByName() {
        assertArrayEquals(new String[] {"bp", "fa", "dfa", "usf", "brsf", "frsf", "kp"}, Rule.ids());
        for (String id : Rule.ids()) {
            Rule r = Rule.parse(id.toUpperCase(java.util.Locale.ROOT), 0.7);
            assertEquals(id, r.id());
            assertEquals(id, Rule.parse(r.id(), 0.7).id());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rule.parse("xyz", 1));
        assertTrue(e.getMessage().contains("bp, fa, dfa, usf, brsf, frsf, kp"), e.getMessage());
    }

    /** Each path checks the matrices it needs: W-shaped feedback for chained paths, classes x in for direct. */
    @Test
    void pathsCheckTheFeedbackShapes() {
        SplittableRandom rng = new SplittableRandom(3);
        Mlp fa = Mlp.create(new int[] {4, 6, 3}, Activation.RELU, Loss.CROSS_ENTROPY, rng);
        Mlp dfa = fa.copy();
        new DirectFeedbackAlignment(1).initialize(dfa, rng);
        BackwardPath.FEEDBACK.check(fa);
        DirectFeedbackAlignment.PATH.check(dfa);
        assertThrows(IllegalArgumentException.class, () -> BackwardPath.FEEDBACK.check(dfa));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DirectFeedbackAlignment.PATH.check(fa));
        assertTrue(e.getMessage().contains("3 x 4"), e.getMessage());
    }
}
