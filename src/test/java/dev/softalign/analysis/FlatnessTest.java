package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.nn.Evaluation;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Layer;
import dev.softalign.nn.Mlp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlatnessTest {

    static Mlp net;
    static Dataset data;

    @BeforeAll
    static void train() {
        Split s = Synthetic.blobs(500, 8, 3, 0.2, 9);
        data = s.test();
        net = Trainer.of(TrainConfig.defaults().rule("bp").depth(1).width(12).epochs(10).batch(32).lr(0.05).seed(2), s)
                .run().net();
    }

    /** L(w) = 0.5 sum a_i w_i^2 + g_i w_i, diagonal, so the box maximum separates per coordinate. */
    record Quadratic(double[] a, double[] g) implements DifferentiableLoss {

        @Override
        public int dimension() {
            return a.length;
        }

        @Override
        public double value(double[] w) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += 0.5 * a[i] * w[i] * w[i] + g[i] * w[i];
            }
            return s;
        }

        @Override
        public double valueAndGradient(double[] w, double[] grad) {
            for (int i = 0; i < a.length; i++) {
                grad[i] = a[i] * w[i] + g[i];
            }
            return value(w);
        }

        /** max over |y_i| <= r_i of L(w+y): per coordinate an endpoint (convex) or the clipped stationary point (concave). */
        double boxMaximum(double[] w, double eps) {
            double s = value(w);
            for (int i = 0; i < a.length; i++) {
                double r = eps * (Math.abs(w[i]) + 1);
                double c = a[i] * w[i] + g[i];
                double rise;
                if (a[i] >= 0) {
                    rise = Math.max(0.5 * a[i] * r * r + c * r, 0.5 * a[i] * r * r - c * r);
                } else {
                    double y = Math.max(-r, Math.min(r, -c / a[i]));
                    rise = 0.5 * a[i] * y * y + c * y;
                }
                s += rise;
            }
            return s;
        }
    }

    @Test
    void sharpnessOfAQuadraticMatchesTheClosedForm() {
        SplittableRandom rng = new SplittableRandom(1);
        int d = 50;
        double[] a = new double[d];
        double[] g = new double[d];
        double[] w = new double[d];
        for (int i = 0; i < d; i++) {
            a[i] = rng.nextDouble(-5, 20); // some concave coordinates with interior maxima
            g[i] = rng.nextGaussian() * 0.01;
            w[i] = rng.nextGaussian();
        }
        Quadratic q = new Quadratic(a, g);
        double eps = 0.05;
        double max = q.boxMaximum(w, eps);
        double l = q.value(w);
        Sharpness.Result r = Sharpness.of(q, w, eps, 400, 0.25);
        assertEquals(l, r.loss(), 1e-15);
        assertEquals(max, r.maxLoss(), 1e-6 * Math.abs(max - l));
        assertEquals(100 * (max - l) / (1 + l), r.sharpness(), 1e-4 * r.sharpness());
        assertTrue(r.maxLoss() <= max + 1e-12, "cannot exceed the true box maximum");
    }

    @Test
    void modelLossGradientMatchesTheNetworkAndSharpnessRestoresWeights() {
        double[] w = net.parameters();
        ModelLoss f = new ModelLoss(net, data, 37); // uneven batches: the weighting must still give the full mean
        double[] grad = new double[w.length];
        double l = f.valueAndGradient(w, grad);
        Gradients g = new Gradients(net);
        double whole = net.gradient(data.x(), data.labels(), g);
        assertEquals(whole, l, 1e-12);
        assertArrayEquals(g.toFlat(), grad, 1e-12);
        assertEquals(Evaluation.of(net, data).accuracy(), f.lastAccuracy(), 0);

        Sharpness.Result r = Sharpness.of(net, data, 1e-3, 10);
        assertArrayEquals(w, net.parameters(), 0);
        assertEquals(whole, r.loss(), 1e-12);
        assertTrue(r.sharpness() > 0 && r.maxLoss() > r.loss(), r.toString());
        // A wider box can only let the loss rise further.
        assertTrue(Sharpness.of(net, data, 1e-2, 10).sharpness() > r.sharpness());
    }

    @Test
    void filterNormalizedDirectionHasTheWeightRowNormsAndNoBias() {
        double[] d = Landscape.filterNormalizedDirection(net, new SplittableRandom(3));
        int o = 0;
        for (int l = 0; l < net.layerCount(); l++) {
            Layer layer = net.layer(l);
            int rows = layer.out();
            for (int r = 0; r < rows; r++) {
                double nw = 0;
                double nd = 0;
                for (int c = 0; c < layer.in(); c++) {
                    nw += Math.pow(layer.weight.data[r + c * rows], 2);
                    nd += Math.pow(d[o + r + c * rows], 2);
                }
                assertEquals(Math.sqrt(nw), Math.sqrt(nd), 1e-12 * Math.sqrt(nw));
            }
            o += rows * layer.in();
            for (int r = 0; r < rows; r++) {
                assertEquals(0.0, d[o + r]);
            }
            o += rows;
        }
        assertEquals(net.parameterCount(), o);
    }

    @Test
    void landscapeAtTheOriginIsTheModelLoss(@TempDir Path tmp) throws Exception {
        double[] w = net.parameters();
        Evaluation e = Evaluation.of(net, data);
        SplittableRandom rng = new SplittableRandom(4);
        double[] d1 = Landscape.filterNormalizedDirection(net, rng);
        double[] d2 = Landscape.filterNormalizedDirection(net, rng);
        Landscape.Surface line = Landscape.line(net, data, d1, Landscape.grid(-1, 1, 5));
        assertEquals(e.loss(), line.loss()[2][0], 1e-12);
        assertEquals(e.accuracy(), line.accuracy()[2][0], 0);
        assertEquals(e.loss(), line.lossAtOrigin(), 1e-12);
        Landscape.Surface plane = Landscape.plane(net, data, d1, d2, Landscape.grid(-1, 1, 3), Landscape.grid(-1, 1, 3));
        assertEquals(e.loss(), plane.loss()[1][1], 1e-12);
        assertEquals(line.loss()[0][0], plane.loss()[0][1], 1e-12, "beta 0 is the 1D line");
        assertTrue(plane.maxLoss() > plane.lossAtOrigin());
        assertArrayEquals(w, net.parameters(), 0);

        Path csv = tmp.resolve("plane.csv");
        plane.writeCsv(csv);
        List<String> lines = Files.readAllLines(csv);
        assertEquals("alpha,beta,loss,accuracy", lines.get(0));
        assertEquals(10, lines.size());
        String[] centre = lines.get(5).split(",");
        assertEquals(0.0, Double.parseDouble(centre[0]));
        assertEquals(0.0, Double.parseDouble(centre[1]));
        assertEquals(e.loss(), Double.parseDouble(centre[2]), 1e-12);
        assertEquals("alpha,loss,accuracy", line.csv().lines().findFirst().orElseThrow());
    }

    @Test
    void weightNoiseCurveStartsAtTheCleanModelAndIsDeterministic() {
        double[] w = net.parameters();
        Evaluation e = Evaluation.of(net, data);
        double[] sigmas = {0, 0.05, 0.5};
        List<WeightNoise.Stat> c = WeightNoise.curve(net, data, WeightNoise.Kind.PLAIN, sigmas, 4, 1);
        assertEquals(e.loss(), c.get(0).lossMean(), 1e-12);
        assertEquals(0.0, c.get(0).lossSd(), 1e-15);
        assertEquals(e.accuracy(), c.get(0).accuracyMean(), 1e-15);
        assertTrue(c.get(2).lossMean() > c.get(1).lossMean() && c.get(2).lossSd() > 0, c.toString());
        assertEquals(c, WeightNoise.curve(net, data, WeightNoise.Kind.PLAIN, sigmas, 4, 1));
        assertArrayEquals(w, net.parameters(), 0);
        // Magnitude-aware noise keeps a 1e-3 floor, so sigma 0 is close to but not exactly clean.
        WeightNoise.Stat m0 = WeightNoise.curve(net, data, WeightNoise.Kind.MAGNITUDE, new double[] {0}, 3, 1).get(0);
        assertEquals(e.loss(), m0.lossMean(), 1e-2);
    }

    @Test
    void pacBayesSigmaBracketsTheAllowedAccuracyDrop() {
        double[] w = net.parameters();
        for (WeightNoise.Kind kind : WeightNoise.Kind.values()) {
            WeightNoise.Flatness f = WeightNoise.pacBayes(net, data, kind, 0.1, 3, 12, 5);
            assertEquals(Evaluation.of(net, data).accuracy(), f.cleanAccuracy(), 0);
            assertTrue(f.sigma() > 0 && f.sigmaAbove() > f.sigma(), f.toString());
            assertTrue(f.sigmaAbove() - f.sigma() <= f.sigmaAbove() / 1000, "12 halvings: " + f);
            double below = WeightNoise.curve(net, data, kind, new double[] {f.sigma()}, 3, 5).get(0).accuracyMean();
            double above = WeightNoise.curve(net, data, kind, new double[] {f.sigmaAbove()}, 3, 5).get(0).accuracyMean();
            assertEquals(f.accuracyAtSigma(), below, 0);
            assertTrue(f.cleanAccuracy() - below <= 0.1 + 1e-12, f.toString());
            assertTrue(f.cleanAccuracy() - above > 0.1, f + " above " + above);
            assertEquals(f, WeightNoise.pacBayes(net, data, kind, 0.1, 3, 12, 5));
        }
        assertArrayEquals(w, net.parameters(), 0);
    }
}
