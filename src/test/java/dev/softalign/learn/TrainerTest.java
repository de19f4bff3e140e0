package dev.softalign.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.io.IoFailure;
import dev.softalign.nn.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    @TempDir
    Path tmp;

    static final Split DATA = Synthetic.blobs(600, 12, 4, 0.2, 3);

    static TrainConfig config() {
        return TrainConfig.defaults().dataset("blobs").rule("fa").align(0.3).depth(2).width(16).epochs(3).batch(32)
                .lr(0.02).weightDecay(1e-4).schedule("cosine");
    }

    static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    @Test
    void sameSeedGivesTheSameFilesBitForBit() throws IOException {
        Trainer.of(config(), DATA).out(tmp.resolve("a")).run();
        Trainer.of(config(), DATA).out(tmp.resolve("b")).run();
        for (String f : new String[] {"config.json", "metrics.csv", "model.safetensors", "optimizer.safetensors"}) {
            assertArrayEquals(read(tmp.resolve("a").resolve(f)), read(tmp.resolve("b").resolve(f)), f);
        }
        TrainedModel other = Trainer.of(config().seed(2), DATA).run();
        ModelFile.Saved a = ModelFile.load(tmp.resolve("a/model.safetensors"));
        assertTrue(other.net().parameters()[0] != a.net().parameters()[0]);
    }

    @Test
    void backpropagationShowsBEqualToWToEveryReader() throws IOException {
        // BP ties B to W only when the trainer settles the network, before every reader of an epoch.
        java.util.List<double[]> measured = new java.util.ArrayList<>();
        TrainingListener reader = new TrainingListener() {
            @Override
            public java.util.Map<String, Double> measure(dev.softalign.nn.Mlp net, int epoch) {
                for (int i = 0; i < net.layerCount(); i++) {
                    assertArrayEquals(net.layer(i).weight.data, net.layer(i).feedback.data, 0.0, "epoch " + epoch);
                }
                measured.add(net.parameters());
                return java.util.Map.of();
            }
        };
        TrainedModel run = Trainer.of(config().rule("bp").align(null), DATA).out(tmp.resolve("bp")).listener(reader).run();
        assertEquals(4, measured.size(), "epochs 0 to 3");
        for (EpochMetrics m : run.history()) {
            for (double angle : m.anglesDegrees()) {
                assertEquals(0.0, angle, 1e-6, "epoch " + m.epoch());
            }
        }
        ModelFile.Saved saved = ModelFile.load(tmp.resolve("bp/model.safetensors"));
        for (int i = 0; i < saved.net().layerCount(); i++) {
            assertArrayEquals(saved.net().layer(i).weight.data, saved.net().layer(i).feedback.data, 0.0, "saved layer " + i);
            assertArrayEquals(run.net().layer(i).weight.data, run.net().layer(i).feedback.data, 0.0, "returned layer " + i);
        }
    }

    @Test
    void resumeContinuesBitForBit() throws IOException {
        Trainer.of(config(), DATA).out(tmp.resolve("full")).run();
        // Simulate a crash after epoch 1 of the same 3-epoch run (the cosine schedule spans all 3).
        TrainingListener crash = new TrainingListener() {
            @Override
            public void epoch(EpochMetrics m) {
                if (m.epoch() == 1) {
                    throw new IllegalStateException("power cut");
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> Trainer.of(config(), DATA).out(tmp.resolve("part")).listener(crash).run());
        assertEquals("1", ModelFile.load(tmp.resolve("part/model.safetensors")).metadata().get("epoch"));
        TrainedModel resumed = Trainer.of(config(), DATA).out(tmp.resolve("part")).resume(true).run();
        assertEquals(4, resumed.history().size());
        for (String f : new String[] {"metrics.csv", "model.safetensors", "optimizer.safetensors"}) {
            assertArrayEquals(read(tmp.resolve("full").resolve(f)), read(tmp.resolve("part").resolve(f)), f);
        }
    }

    @Test
    void resumeRefusesDifferentOptions() {
        Trainer.of(config().epochs(1), DATA).out(tmp.resolve("r")).run();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.of(config().lr(0.5), DATA).out(tmp.resolve("r")).resume(true).run());
        assertTrue(e.getMessage().endsWith("--lr differs: saved 0.02, given 0.5"), e.getMessage());
    }

    @Test
    void existingRunIsNotOverwrittenByAccident() throws IOException {
        Trainer.of(config().epochs(1), DATA).out(tmp.resolve("r")).run();
        byte[] before = read(tmp.resolve("r/model.safetensors"));
        IoFailure e = assertThrows(IoFailure.class, () -> Trainer.of(config(), DATA).out(tmp.resolve("r")).run());
        assertTrue(e.getMessage().contains("already holds a run"), e.getMessage());
        assertArrayEquals(before, read(tmp.resolve("r/model.safetensors")));
    }

    @Test
    void nanLossStopsAndKeepsTheLastGoodCheckpoint() throws IOException {
        TrainConfig c = config().rule("bp").align(null).lr(1e6).momentum(0).epochs(2);
        TrainingDiverged e = assertThrows(TrainingDiverged.class, () -> Trainer.of(c, DATA).out(tmp.resolve("nan")).run());
        assertTrue(e.getMessage().matches("epoch 1, step \\d+: loss is (NaN|Infinity).*epoch 0.*"), e.getMessage());
        ModelFile.Saved kept = ModelFile.load(tmp.resolve("nan/model.safetensors"));
        assertEquals("0", kept.metadata().get("epoch"));
        for (double w : kept.net().parameters()) {
            assertTrue(Double.isFinite(w));
        }
    }

    @Test
    void epochsZeroSavesTheInitialisedModel() {
        TrainedModel run = Trainer.of(config().epochs(0), DATA).out(tmp.resolve("init")).run();
        ModelFile.Saved saved = ModelFile.load(tmp.resolve("init/model.safetensors"));
        assertArrayEquals(Trainer.initialize(config(), DATA.train()).parameters(), saved.net().parameters());
        assertArrayEquals(run.net().layer(1).feedback.data, saved.net().layer(1).feedback.data);
        assertEquals("fa", saved.rule());
        assertEquals("0.3", saved.metadata().get("align"));
    }

    @Test
    void bpReachesHighAccuracyOnBlobs() {
        TrainedModel run = Trainer.of(config().rule("bp").align(null).epochs(15).lr(0.05), DATA).run();
        assertTrue(run.testAccuracy() > 0.85, run.toString());
        assertTrue(run.last().trainLoss() < 0.3 * run.history().get(0).trainLoss(), run.toString());
    }

    @Test
    void cosineScheduleEndsNearZero() {
        assertEquals(0.1, Schedule.COSINE.rate(0.1, 0, 100), 0);
        assertEquals(0.05, Schedule.COSINE.rate(0.1, 50, 100), 1e-15);
        assertEquals(0.0, Schedule.COSINE.rate(0.1, 100, 100), 1e-15);
        assertEquals(0.1, Schedule.CONSTANT.rate(0.1, 77, 100), 0);
    }

    @Test
    void sgdMomentumMatchesPyTorchRecurrence() {
        // w = 1, g = w (loss w^2/2), lr 0.1, momentum 0.9: torch gives w1 = 0.9, w2 = 0.72, w3 = 0.486.
        Optimizer.Sgd sgd = new Optimizer.Sgd(0.9, 0, false);
        double[] w = {1};
        double[] expected = {0.9, 0.72, 0.486};
        for (double e : expected) {
            sgd.update("w", w, new double[] {w[0]}, 0.1);
            assertEquals(e, w[0], 1e-12);
        }
    }

    @Test
    void float32SgdRoundsEveryValueAsItIsStored() {
        // The definition, one element at a time: buf and w are float32 after each step.
        SplittableRandom rng = new SplittableRandom(5);
        for (boolean nesterov : new boolean[] {false, true}) {
            for (double wd : new double[] {0, 1e-3}) {
                Optimizer.Sgd sgd = new Optimizer.Sgd(0.9, wd, nesterov);
                sgd.dtype = dev.softalign.nn.Dtype.F32;
                int n = 37;
                double[] w = new double[n];
                double[] wRef = new double[n];
                double[] bufRef = new double[n];
                for (int i = 0; i < n; i++) {
                    w[i] = wRef[i] = (float) rng.nextGaussian();
                }
                for (int step = 0; step < 4; step++) {
                    double[] g = new double[n];
                    for (int i = 0; i < n; i++) {
                        g[i] = (float) (rng.nextGaussian() * 1e-2);
                        double d = g[i] + wd * wRef[i];
                        double b = (float) (step == 0 ? d : 0.9 * bufRef[i] + d);
                        bufRef[i] = b;
                        wRef[i] = (float) (wRef[i] - 0.05 * (nesterov ? d + 0.9 * b : b));
                    }
                    sgd.update("w", w, g, 0.05);
                    assertArrayEquals(wRef, w, "nesterov " + nesterov + ", weight decay " + wd + ", step " + step);
                    assertArrayEquals(bufRef, sgd.state().get("w.momentum"));
                }
            }
        }
    }

    @Test
    void aStepCutAmongKernelThreadsGivesOneThreadsBits() {
        // 300-wide layers: the step is large enough to be cut among three threads.
        for (dev.softalign.nn.Dtype dtype : dev.softalign.nn.Dtype.values()) {
            for (String name : new String[] {"sgd", "adam"}) {
                dev.softalign.nn.Mlp[] nets = new dev.softalign.nn.Mlp[2];
                int[] threads = {1, 3};
                for (int t = 0; t < 2; t++) {
                    dev.softalign.nn.MatMul kernel = dev.softalign.nn.MatMul.withThreads(threads[t], dtype);
                    nets[t] = dev.softalign.nn.Mlp.create(new int[] {300, 300, 10}, dev.softalign.nn.Activation.RELU,
                            dev.softalign.nn.Loss.CROSS_ENTROPY, new SplittableRandom(8), kernel);
                    if (t == 1) {
                        assertEquals(3, kernel.parts(8.0 * nets[t].parameterCount()), "this test cuts its steps");
                    }
                    Optimizer opt = Optimizer.parse(name, 0.9, 1e-3, false);
                    dev.softalign.nn.Gradients g = new dev.softalign.nn.Gradients(nets[t]);
                    SplittableRandom rng = new SplittableRandom(9);
                    for (int step = 0; step < 3; step++) {
                        for (int i = 0; i < g.weight.length; i++) {
                            for (int j = 0; j < g.weight[i].data.length; j++) {
                                g.weight[i].data[j] = (float) rng.nextGaussian();
                            }
                            for (int j = 0; j < g.bias[i].data.length; j++) {
                                g.bias[i].data[j] = (float) rng.nextGaussian();
                            }
                        }
                        opt.step(nets[t], g, 0.01);
                    }
                    new Backprop().settle(nets[t]);
                }
                assertArrayEquals(nets[0].parameters(), nets[1].parameters(), 0.0, dtype + " " + name);
                for (int i = 0; i < nets[1].layerCount(); i++) {
                    assertArrayEquals(nets[1].layer(i).weight.data, nets[1].layer(i).feedback.data, 0.0, "bp ties B to W");
                }
            }
        }
    }

    @Test
    void adamFirstStepMovesByLearningRate() {
        Optimizer.Adam adam = new Optimizer.Adam(0.9, 0.999, 1e-8, 0);
        double[] w = {1, -2};
        adam.steps = 1;
        adam.update("w", w, new double[] {0.3, -5}, 0.01);
        assertEquals(0.99, w[0], 1e-9);
        assertEquals(-1.99, w[1], 1e-9);
    }

    @Test
    void float32CheckpointsResumeExactly() throws IOException {
        TrainConfig c = config().saveDtype("F32");
        Trainer.of(c, DATA).out(tmp.resolve("full")).run();
        TrainingListener crash = new TrainingListener() {
            @Override
            public void epoch(EpochMetrics m) {
                if (m.epoch() == 1) {
                    throw new IllegalStateException("power cut");
                }
            }
        };
        assertThrows(IllegalStateException.class, () -> Trainer.of(c, DATA).out(tmp.resolve("part")).listener(crash).run());
        Trainer.of(c, DATA).out(tmp.resolve("part")).resume(true).run();
        for (String f : new String[] {"metrics.csv", "model.safetensors", "optimizer.safetensors"}) {
            assertArrayEquals(read(tmp.resolve("full").resolve(f)), read(tmp.resolve("part").resolve(f)), f);
        }
    }

    @Test
    void emptySplitsAreRefused() {
        Split empty = new Split(DATA.train().first(0), DATA.test());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.of(config(), empty).run());
        assertTrue(e.getMessage().endsWith("split holds no samples"), e.getMessage());
    }

    @Test
    void normalisationIsTheWholeTrainingArraysMeanAndStdSummedInOrder() {
        // A dataset of pixels is read sample by sample; the sums run in the same order as over x().
        byte[] pixels = new byte[40 * 6];
        new SplittableRandom(8).nextBytes(pixels);
        int[] labels = new int[40];
        dev.softalign.data.Dataset train = dev.softalign.data.Dataset.ofPixels("p", new int[] {6}, 2, pixels, labels);
        TrainConfig c = TrainConfig.defaults().depth(1).width(4).normalize(true);
        dev.softalign.nn.Mlp net = Trainer.initialize(c, train);
        double[] x = train.x();
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean);
        }
        assertEquals(mean, net.inputMean()[0], 0.0);
        assertEquals(Math.sqrt(var / x.length), net.inputStd()[0], 0.0);
    }
}
