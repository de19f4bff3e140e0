package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Split;
import dev.softalign.data.Synthetic;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.TrainedModel;
import dev.softalign.learn.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

class TrajectoryTest {

    /** Snapshots base + a_t u + b_t v (+ noise * random) for orthonormal u, v in R^p. */
    static List<double[]> trajectory(int p, double[] a, double[] b, double noise, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] u = gaussian(rng, p);
        normalize(u);
        double[] v = gaussian(rng, p);
        double uv = dot(u, v);
        for (int i = 0; i < p; i++) {
            v[i] -= uv * u[i];
        }
        normalize(v);
        double[] base = gaussian(rng, p);
        List<double[]> out = new ArrayList<>();
        for (int t = 0; t < a.length; t++) {
            double[] w = new double[p];
            for (int i = 0; i < p; i++) {
                w[i] = base[i] + a[t] * u[i] + b[t] * v[i] + noise * rng.nextGaussian();
            }
            out.add(w);
        }
        return out;
    }

    @Test
    void aTrajectoryInAPlaneIsReproducedExactlyByItsCoordinates() {
        double[] a = {3, 2.5, 1.2, 0.9, 0.2, 0};
        double[] b = {-1, 0.8, 0.1, -0.4, 0.3, 0};
        List<double[]> w = trajectory(9, a, b, 0, 7);
        Trajectory.Pca pca = Trajectory.pca(w);
        assertEquals(1, pca.explained()[0] + pca.explained()[1], 1e-12, "the plane explains everything");
        assertEquals(1, dot(pca.d1(), pca.d1()), 1e-12);
        assertEquals(1, dot(pca.d2(), pca.d2()), 1e-12);
        assertEquals(0, dot(pca.d1(), pca.d2()), 1e-12);
        double[] last = w.get(w.size() - 1);
        for (int t = 0; t < w.size(); t++) {
            for (int i = 0; i < last.length; i++) {
                assertEquals(w.get(t)[i], last[i] + pca.x()[t] * pca.d1()[i] + pca.y()[t] * pca.d2()[i], 1e-12);
            }
            // Coordinates in an orthonormal basis of the same plane keep distances to the end.
            assertEquals(Math.hypot(a[t], b[t]), Math.hypot(pca.x()[t], pca.y()[t]), 1e-12);
        }
        assertEquals(0, pca.x()[w.size() - 1]);
        assertEquals(0, pca.y()[w.size() - 1]);
    }

    @Test
    void theDirectionsAreTheTopRightSingularVectorsOfTheDifferences() {
        List<double[]> w = trajectory(12, new double[] {4, 3, 2.2, 1.1, 0.5, 0.3, 0}, new double[] {0, 1, -1, 0.5, 0.2,
            -0.1, 0}, 0.3, 11);
        int n = w.size() - 1;
        double[][] m = new double[n][];
        double[] last = w.get(n);
        for (int t = 0; t < n; t++) {
            m[t] = new double[last.length];
            for (int i = 0; i < last.length; i++) {
                m[t][i] = w.get(t)[i] - last[i];
            }
        }
        // The oracle: commons-math's SVD of M itself (not of the Gram matrix).
        SingularValueDecomposition svd = new SingularValueDecomposition(new Array2DRowRealMatrix(m));
        double[] s = svd.getSingularValues();
        double total = 0;
        for (double v : s) {
            total += v * v;
        }
        Trajectory.Pca pca = Trajectory.pca(w);
        assertEquals(s[0] * s[0] / total, pca.explained()[0], 1e-10);
        assertEquals(s[1] * s[1] / total, pca.explained()[1], 1e-10);
        assertTrue(pca.explained()[0] + pca.explained()[1] < 0.999, "off-plane noise is not explained");
        assertEquals(1, Math.abs(dot(pca.d1(), svd.getV().getColumn(0))), 1e-9);
        assertEquals(1, Math.abs(dot(pca.d2(), svd.getV().getColumn(1))), 1e-9);
        assertEquals(0, dot(pca.d1(), pca.d2()), 1e-12);
        for (int t = 0; t < n; t++) {
            assertEquals(dot(m[t], pca.d1()), pca.x()[t], 1e-12);
        }
    }

    @Test
    void aStraightTrajectoryHasNoPlane() {
        List<double[]> w = trajectory(5, new double[] {3, 2, 1, 0}, new double[] {0, 0, 0, 0}, 0, 3);
        assertThrows(IllegalArgumentException.class, () -> Trajectory.pca(w));
        assertThrows(IllegalArgumentException.class, () -> Trajectory.pca(w.subList(0, 2)));
    }

    @Test
    void theSurfaceIsTheModelsLossInThePlaneAndCoversThePath() {
        Split data = Synthetic.blobs(200, 6, 3, 0.5, 3);
        Trajectory recorder = new Trajectory();
        TrainedModel model = Trainer.of(TrainConfig.defaults().rule("fa").depth(2).width(8).epochs(4).lr(0.05)
                .batch(20).seed(2), data).listener(recorder).run();
        assertEquals(5, recorder.snapshots().size(), "initialisation and 4 epochs");
        double[] end = model.net().parameters();
        assertEquals(0, dist(end, recorder.snapshots().get(4)), "the last snapshot is the trained network");
        var subset = data.train().first(50);
        Trajectory.Result r = Trajectory.landscape(model.net(), subset, recorder.snapshots(), 7);
        assertEquals(0, dist(end, model.net().parameters()), "the network is left at w_n");
        ModelLoss f = new ModelLoss(model.net(), subset);
        for (int t = 0; t < 5; t++) {
            assertEquals(f.value(recorder.snapshots().get(t)), r.pathLoss()[t], 0.0);
        }
        int i0 = index(r.alphas(), 0);
        int j0 = index(r.betas(), 0);
        assertEquals(f.value(end), r.surface()[i0][j0], 0.0, "the surface at (0, 0) is the loss at w_n");
        assertEquals(r.pathLoss()[4], r.surface()[i0][j0], 0.0);
        // Another grid point, against the loss at w_n + alpha d1 + beta d2 computed here.
        Trajectory.Pca pca = Trajectory.pca(recorder.snapshots());
        double[] v = end.clone();
        for (int k = 0; k < v.length; k++) {
            v[k] += r.alphas()[1] * pca.d1()[k] + r.betas()[5] * pca.d2()[k];
        }
        assertEquals(f.value(v), r.surface()[1][5], 1e-12);
        for (int t = 0; t < 5; t++) {
            assertTrue(r.alphas()[0] < r.x()[t] && r.x()[t] < r.alphas()[6], "the grid covers the path");
            assertTrue(r.betas()[0] < r.y()[t] && r.y()[t] < r.betas()[6]);
        }
        assertEquals(7, r.surface().length);
        assertEquals(50, r.samples());
    }

    private static int index(double[] v, double x) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] == x) {
                return i;
            }
        }
        throw new AssertionError(x + " is not on the grid");
    }

    private static double[] gaussian(SplittableRandom rng, int p) {
        double[] v = new double[p];
        for (int i = 0; i < p; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static void normalize(double[] v) {
        double n = Math.sqrt(dot(v, v));
        for (int i = 0; i < v.length; i++) {
            v[i] /= n;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double dist(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
