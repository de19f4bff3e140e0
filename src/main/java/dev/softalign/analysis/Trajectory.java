package dev.softalign.analysis;

import dev.softalign.data.Dataset;
import dev.softalign.learn.EpochMetrics;
import dev.softalign.learn.TrainingListener;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Vectors;
import java.util.ArrayList;
import java.util.List;

/**
 * A training trajectory over its loss landscape (Li et al. 2018, section 7): the forward parameters
 * (W and biases, not B) after initialisation and after every epoch, w_0 .. w_n; the two principal
 * directions of M = [w_0 - w_n; ...; w_(n-1) - w_n] (its top two right singular vectors, computed
 * through the small n x n Gram matrix M M^T); every snapshot's coordinates in the plane they span
 * through w_n; and the loss on a grid of w_n + alpha d1 + beta d2 covering the path.
 *
 * <p>The directions are orthonormal and NOT filter-normalised: Li et al. filter-normalise random
 * directions, to compare surfaces of different networks, but keep the PCA directions as they are,
 * since rescaling them row by row would move the plane off the path and make the coordinates
 * meaningless. The SVD is not centred (sklearn's PCA, in Li et al.'s code, centres M first), so
 * the plane passes through w_n, where the surface is centred, and a path inside the plane is
 * reproduced exactly by its coordinates.
 *
 * <p>A {@link TrainingListener}: whoever trains adds it and calls {@link #landscape} after the
 * run. Memory: one copy of the parameters per epoch.
 */
public final class Trajectory implements TrainingListener {

    /**
     * Principal directions d1, d2 (unit, orthogonal), the fraction of sum_t ||w_t - w_n||^2 each
     * explains, and the coordinates x[t] = (w_t - w_n) . d1, y[t] = (w_t - w_n) . d2 of every
     * snapshot (the last is (0, 0)).
     */
    public record Pca(double[] d1, double[] d2, double[] explained, double[] x, double[] y) {
    }

    /**
     * What a cell stores: the PCA's explained fractions, the path (x, y and the loss at every
     * snapshot, index = epoch) and the surface loss[i][j] at w_n + alphas[i] d1 + betas[j] d2, all
     * losses the mean over the same first {@code samples} training samples.
     */
    public record Result(int samples, double[] explained, double[] x, double[] y, double[] pathLoss, double[] alphas,
            double[] betas, double[][] surface) {

        /** The lowest loss on the grid. */
        public double surfaceMin() {
            return Vectors.min(surface);
        }
    }

    /** The grid extends beyond the path by this fraction of the path's extent on each side. */
    public static final double MARGIN = 0.2;

    private final List<double[]> snapshots = new ArrayList<>();
    private Mlp net;

    @Override
    public void started(Mlp net, int firstEpoch, int lastEpoch, int stepsPerEpoch) {
        this.net = net;
        snapshots.add(net.parameters());
    }

    @Override
    public void epoch(EpochMetrics m) {
        snapshots.add(net.parameters());
    }

    /** The parameters recorded so far, index = epoch when training started at epoch 1. */
    public List<double[]> snapshots() {
        return snapshots;
    }

    /** The principal plane of a trajectory of at least three snapshots that spans two directions. */
    public static Pca pca(List<double[]> snapshots) {
        int n = snapshots.size() - 1;
        if (n < 2) {
            throw new IllegalArgumentException("a trajectory plane needs at least 3 snapshots, got " + snapshots.size());
        }
        double[] last = snapshots.get(n);
        int p = last.length;
        // Rows of M are formed on the fly: a copy would double the memory of a long run.
        double[][] gram = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = a; b < n; b++) {
                gram[a][b] = gram[b][a] = dot(snapshots.get(a), snapshots.get(b), last);
            }
        }
        // M M^T u = s^2 u gives the right singular vector v = M^T u / s.
        Dense.Eigen e = Dense.eigen(gram);
        double total = 0;
        for (int t = 0; t < n; t++) {
            total += gram[t][t];
        }
        if (!(e.values()[1] > 1e-12 * total)) {
            throw new IllegalArgumentException("the trajectory spans fewer than two directions; no plane to project on");
        }
        double[][] d = new double[2][p];
        for (int k = 0; k < 2; k++) {
            double s = Math.sqrt(e.values()[k]);
            for (int t = 0; t < n; t++) {
                double c = e.vectors()[k][t] / s;
                double[] w = snapshots.get(t);
                for (int i = 0; i < p; i++) {
                    d[k][i] += c * (w[i] - last[i]);
                }
            }
        }
        double[] x = new double[n + 1];
        double[] y = new double[n + 1];
        for (int t = 0; t < n; t++) {
            x[t] = project(snapshots.get(t), last, d[0]);
            y[t] = project(snapshots.get(t), last, d[1]);
        }
        return new Pca(d[0], d[1], new double[] {e.values()[0] / total, e.values()[1] / total}, x, y);
    }

    /**
     * The path and the points x points surface over subset: net is set to the last snapshot (and
     * left there), the grid covers the path's coordinates with a {@link #MARGIN} on each side and
     * contains (0, 0), i.e. w_n, exactly.
     */
    public static Result landscape(Mlp net, Dataset subset, List<double[]> snapshots, int points) {
        if (points < 3) {
            throw new IllegalArgumentException("a trajectory surface needs at least 3 points per axis, got " + points);
        }
        Pca pca = pca(snapshots);
        double[] last = snapshots.get(snapshots.size() - 1);
        net.setParameters(last);
        ModelLoss f = new ModelLoss(net, subset);
        double[] pathLoss = new double[snapshots.size()];
        for (int t = 0; t < pathLoss.length; t++) {
            pathLoss[t] = f.value(snapshots.get(t));
        }
        net.setParameters(last);
        double[] alphas = axis(pca.x(), points);
        double[] betas = axis(pca.y(), points);
        Landscape.Surface s = Landscape.plane(net, subset, pca.d1(), pca.d2(), alphas, betas);
        return new Result(subset.size(), pca.explained(), pca.x(), pca.y(), pathLoss, alphas, betas, s.loss());
    }

    /**
     * points evenly spaced values covering [min(v), max(v)] widened by the margin, one of them
     * exactly 0 (v holds 0, the last snapshot): the spacing fits the range in points - 2 steps, and
     * the grid starts at the multiple of the spacing just below the range.
     */
    static double[] axis(double[] v, int points) {
        double lo = 0;
        double hi = 0;
        for (double c : v) {
            lo = Math.min(lo, c);
            hi = Math.max(hi, c);
        }
        double span = hi - lo;
        if (span == 0) {
            span = 1;
        }
        lo -= MARGIN * span;
        hi += MARGIN * span;
        double h = (hi - lo) / (points - 2);
        double first = Math.floor(lo / h);
        double[] out = new double[points];
        for (int i = 0; i < points; i++) {
            out[i] = (first + i) * h;
        }
        return out;
    }

    /** (a - origin) . (b - origin). */
    private static double dot(double[] a, double[] b, double[] origin) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - origin[i]) * (b[i] - origin[i]);
        }
        return s;
    }

    /** (w - origin) . d. */
    private static double project(double[] w, double[] origin, double[] d) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += (w[i] - origin[i]) * d[i];
        }
        return s;
    }
}
