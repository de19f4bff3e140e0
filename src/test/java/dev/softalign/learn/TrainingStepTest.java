package dev.softalign.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Dtype;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A training step hands work to the kernel's threads twice ({@link Mlp#forwardAndDeltas}, then
 * {@link Mlp#gradients} applying the optimiser's {@link Optimizer#begin} range by range). It must
 * leave the bits of its separate calls (load, forward, backward, {@link Optimizer#step}) on one
 * thread: every parameter and every optimiser buffer, step after step.
 */
class TrainingStepTest {

    private static final int FEATURES = 83;
    private static final int SAMPLES = 150;

    /** Inputs as 8-bit pixels and as doubles (the two ways a batch is loaded). */
    private static Dataset[] data() {
        Random rnd = new Random(11);
        byte[] pixels = new byte[SAMPLES * FEATURES];
        rnd.nextBytes(pixels);
        int[] labels = new int[SAMPLES];
        for (int j = 0; j < SAMPLES; j++) {
            labels[j] = rnd.nextInt(10);
        }
        double[] x = new double[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextDouble();
        }
        int[] shape = {FEATURES};
        return new Dataset[] {Dataset.ofPixels("pixels", shape, 10, pixels, labels), new Dataset("doubles", shape, 10, x, labels)};
    }

    /** Wide enough (three parts on three threads) that the step is cut; the feedback is random. */
    private static Mlp net(Dtype dtype, int threads, boolean normalized) {
        MatMul kernel = MatMul.withThreads(threads, dtype);
        Mlp net = Mlp.create(new int[] {FEATURES, 70, 70, 10}, dev.softalign.nn.Activation.RELU,
                dev.softalign.nn.Loss.CROSS_ENTROPY, new SplittableRandom(5), kernel);
        Random rnd = new Random(6);
        for (int i = 0; i < net.layerCount(); i++) {
            double[] f = net.layer(i).feedback.data;
            for (int j = 0; j < f.length; j++) {
                f[j] = rnd.nextGaussian() * 0.1;
            }
        }
        if (normalized) {
            net.normalize(new double[] {0.3}, new double[] {0.4});
        }
        return net.roundParameters();
    }

    private static Optimizer[] optimizers() {
        return new Optimizer[] {new Optimizer.Sgd(0.9, 1e-3, false), new Optimizer.Sgd(0.9, 0, true),
                new Optimizer.Sgd(0, 1e-3, false), new Optimizer.Adam(0.9, 0.999, 1e-8, 1e-3)};
    }

    @Test
    void twoHandOffsGiveTheBitsOfTheSeparateCallsOnOneThread() {
        int[] order = new int[SAMPLES];
        for (int j = 0; j < SAMPLES; j++) {
            order[j] = (j * 37) % SAMPLES;
        }
        for (Dtype dtype : Dtype.values()) {
            for (Dataset d : data()) {
                for (String ruleId : new String[] {"bp", "fa", "kp"}) {
                    for (int o = 0; o < optimizers().length; o++) {
                        Mlp fused = net(dtype, 3, o % 2 == 0);
                        Mlp separate = net(dtype, 1, o % 2 == 0);
                        assertEquals(3, fused.kernel().parts(2.0 * 64 * fused.parameterCount()), "this test cuts its steps");
                        Optimizer fusedOpt = optimizers()[o];
                        Optimizer separateOpt = optimizers()[o];
                        Rule fusedRule = Rule.parse(ruleId, 1.0);
                        Rule separateRule = Rule.parse(ruleId, 1.0);
                        Trainer.Step step = new Trainer.Step(fused, fusedRule, fusedOpt, 0, 1e-3);
                        Gradients g = new Gradients(separate);
                        String where = dtype + " " + d.name() + " " + ruleId + " " + fusedOpt;
                        for (int s = 0; s < 3; s++) {
                            int from = s * 64;
                            int n = Math.min(64, SAMPLES - from); // the last batch is partial
                            Pass p = fused.pass(n);
                            double loss = step.run(p, d, order, from, 0.05, new SplittableRandom(s));

                            separateRule.beforeStep(separate, new SplittableRandom(s));
                            Pass q = separate.pass(n);
                            separate.load(q, d, order, from);
                            double expected = separate.forward(q);
                            separate.backward(q, separateRule.path(), g, false);
                            separateOpt.step(separate, g, 0.05);
                            separateRule.afterStep(separate, g, 0.05, 1e-3);

                            assertEquals(expected, loss, 0.0, where + ", loss of step " + s);
                            assertArrayEquals(q.logits().data, p.logits().data, 0.0, where);
                            for (int i = 0; i < fused.layerCount(); i++) {
                                assertArrayEquals(separate.layer(i).weight.data, fused.layer(i).weight.data, 0.0,
                                        where + ", weight " + i + " after step " + s);
                                assertArrayEquals(separate.layer(i).bias.data, fused.layer(i).bias.data, 0.0,
                                        where + ", bias " + i + " after step " + s);
                                assertArrayEquals(separate.layer(i).feedback.data, fused.layer(i).feedback.data, 0.0,
                                        where + ", feedback " + i + " after step " + s);
                            }
                        }
                        Map<String, double[]> a = separateOpt.state();
                        Map<String, double[]> b = fusedOpt.state();
                        assertEquals(a.keySet(), b.keySet(), where);
                        a.forEach((name, buffer) -> assertArrayEquals(buffer, b.get(name), 0.0, where + ", " + name));
                        assertEquals(separateOpt.steps(), fusedOpt.steps());
                        assertTrue(separateOpt.steps() == 3);
                    }
                }
            }
        }
    }

    @Test
    void aNonFiniteLossLeavesTheParametersAndTheOptimiserAsTheyWere() {
        for (Dtype dtype : Dtype.values()) {
            Mlp net = net(dtype, 3, false);
            net.layer(net.layerCount() - 1).bias.data[0] = Double.NaN;
            double[] before = net.parameters();
            Optimizer opt = new Optimizer.Sgd(0.9, 0, false);
            Trainer.Step step = new Trainer.Step(net, Rule.parse("bp", 1.0), opt, 0, 0);
            double loss = step.run(net.pass(64), data()[0], null, 0, 0.05, new SplittableRandom(1));
            assertTrue(Double.isNaN(loss));
            assertArrayEquals(before, net.parameters(), 0.0, dtype.toString());
            assertEquals(0, opt.steps(), "no step was taken");
        }
    }
}
