package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Activation;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Vectors;
import org.junit.jupiter.api.Test;

/** Lanczos, power iteration, Hutchinson and the spectral density against exact spectra. */
class SpectraTest {

    /** Tanh net, 51 parameters, with negative and positive curvature. */
    static Hessian smallHessian() {
        Mlp net = HessianTest.smallNet(Activation.TANH, Loss.CROSS_ENTROPY, new int[] {5, 4, 3, 3}, 21);
        Dataset d = HessianTest.data(12, 5, 3, 22);
        return Hessian.of(net, d);
    }

    @Test
    void lanczosMatchesTheDenseEigendecompositionOfTheHessian() {
        Hessian h = smallHessian();
        Dense.Eigen exact = Dense.eigen(Dense.matrix(h));
        double[] ev = exact.values();
        int n = ev.length;
        long before = h.products();
        Lanczos.Result r = Lanczos.create().top(3).bottom(2).tol(1e-10).seed(3).vectors(true).run(h);
        assertTrue(r.converged());
        for (int k = 0; k < 3; k++) {
            assertEquals(ev[k], r.top()[k], 1e-8 * Math.abs(ev[k]), "top " + k);
            assertTrue(r.topResiduals()[k] <= 1e-8 * Math.abs(ev[k]), "residual " + r.topResiduals()[k]);
            // The Ritz vector is the eigenvector up to sign.
            assertEquals(1, Math.abs(Vectors.dot(r.topVectors()[k], exact.vectors()[k])), 1e-6);
        }
        for (int k = 0; k < 2; k++) {
            assertEquals(ev[n - 1 - k], r.bottom()[k], 1e-8 * Math.abs(ev[n - 1 - k]), "bottom " + k);
        }
        assertTrue(ev[n - 1] < 0, "the test net should have negative curvature");
        assertEquals(r.products(), h.products() - before);
        assertTrue(r.steps() <= n);
    }

    @Test
    void denseEigendecompositionSatisfiesTheEigenEquation() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(9);
        int n = 30;
        double[][] a = new double[n][n];
        double trace = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = rng.nextGaussian();
                a[j][i] = a[i][j];
            }
            trace += a[i][i];
        }
        Dense.Eigen e = Dense.eigen(a);
        LinearOperator op = LinearOperator.dense(a);
        double sum = 0;
        for (int k = 0; k < n; k++) {
            if (k > 0) {
                assertTrue(e.values()[k] <= e.values()[k - 1]);
            }
            assertEquals(1, Vectors.norm(e.vectors()[k]), 1e-12);
            assertTrue(Lanczos.residual(op, e.vectors()[k], e.values()[k], new double[n]) < 1e-12);
            sum += e.values()[k];
        }
        assertEquals(trace, sum, 1e-11);
        // The tridiagonal solver (commons-math) agrees with the dense one (ojalgo) on a tridiagonal matrix.
        double[] main = new double[n];
        double[] off = new double[n];
        double[][] t = new double[n][n];
        for (int i = 0; i < n; i++) {
            main[i] = t[i][i] = rng.nextGaussian();
            if (i + 1 < n) {
                off[i] = t[i][i + 1] = t[i + 1][i] = rng.nextGaussian();
            }
        }
        assertArrayEquals(Dense.eigen(t).values(), Dense.tridiagonal(main, off).values(), 1e-12);
    }

    @Test
    void lanczosOnADiagonalOperatorStopsOnTheResidual() {
        double[] d = new double[400];
        for (int i = 0; i < d.length; i++) {
            d[i] = 1 + i * 0.01; // 1 .. 4.99
        }
        d[17] = 10;
        d[200] = -3;
        Lanczos.Result r = Lanczos.create().top(2).bottom(1).tol(1e-8).seed(1).run(LinearOperator.diagonal(d));
        assertTrue(r.converged());
        assertEquals(10, r.top()[0], 1e-7);
        assertEquals(4.99, r.top()[1], 1e-7);
        assertEquals(-3, r.bottom()[0], 1e-7);
        assertTrue(r.topResiduals()[0] <= 1e-8 * 10 * 1.01, "verified residual " + r.topResiduals()[0]);
        assertTrue(r.steps() < 400, "should stop well before the dimension: " + r.steps());
        // Same seed, same numbers.
        Lanczos.Result again = Lanczos.create().top(2).bottom(1).tol(1e-8).seed(1).run(LinearOperator.diagonal(d));
        assertArrayEquals(r.top(), again.top(), 0.0);
    }

    @Test
    void powerIterationWithDeflationFindsTheTopEigenvalues() {
        double[] d = {10, 5, 1, 0.5, 0.1, -0.2};
        PowerIteration.Result r = PowerIteration.create().top(2).tol(1e-9).maxIterations(1000).seed(2)
                .run(LinearOperator.diagonal(d));
        assertEquals(10, r.eigenvalues()[0], 1e-6);
        assertEquals(5, r.eigenvalues()[1], 1e-6);
        assertEquals(r.iterations()[0] + r.iterations()[1], r.products());
    }

    @Test
    void powerIterationCanStopOnTheResidual() {
        double[] d = {10, 9, 1, 0.5, 0.1, -0.2};
        PowerIteration.Result change = PowerIteration.create().tol(1e-3).maxIterations(5000).seed(3)
                .run(LinearOperator.diagonal(d));
        PowerIteration.Result res = PowerIteration.create().residualTol(1e-8).maxIterations(5000).seed(3)
                .run(LinearOperator.diagonal(d));
        // A close second eigenvalue fools the eigenvalue-change rule; the residual rule is honest.
        assertTrue(change.residuals()[0] > 1e-3 * 10, "residual " + change.residuals()[0]);
        assertTrue(res.residuals()[0] <= 1e-8 * Math.abs(res.eigenvalues()[0]));
        assertEquals(10, res.eigenvalues()[0], 1e-12);
        assertTrue(res.products() > change.products());
    }

    @Test
    void hutchinsonTraceIsWithinThreeStandardErrorsOfTheExactTrace() {
        Hessian h = smallHessian();
        double[][] dense = Dense.matrix(h);
        double exact = 0;
        for (int i = 0; i < dense.length; i++) {
            exact += dense[i][i];
        }
        Hutchinson.Trace t = Hutchinson.create().target(0.05).maxSamples(2000).seed(4).run(h);
        assertTrue(t.samples() >= 10);
        assertTrue(Math.abs(t.mean() - exact) <= 3 * t.stderr(), t + " vs exact " + exact);
        assertTrue(t.stderr() < 0.05 * Math.abs(t.mean()) || t.samples() == 2000);
    }

    @Test
    void hutchinsonIsExactForADiagonalOperator() {
        // v^T D v = sum d_i for every Rademacher v: zero variance.
        Hutchinson.Trace t = Hutchinson.create().seed(5).run(LinearOperator.diagonal(1, 2, 3, 4));
        assertEquals(10, t.mean(), 1e-12);
        assertEquals(0, t.stderr(), 1e-12);
        assertEquals(10, t.samples());
    }

    @Test
    void densityOfAKnownSpectrumPeaksAtItsEigenvaluesAndIntegratesToOne() {
        // Three eigenvalues, 100 copies each: the Krylov space has dimension 3, weights ~ 1/3 each.
        double[] d = new double[300];
        for (int i = 0; i < d.length; i++) {
            d[i] = i % 3 == 0 ? -1 : i % 3 == 1 ? 2 : 6;
        }
        SpectralDensity.Density den = SpectralDensity.create().runs(4).steps(20).sigma(0.1).points(2000).seed(6)
                .run(LinearOperator.diagonal(d));
        assertEquals(1, den.integral(), 1e-6);
        // Local maxima of the grid values sit at the eigenvalues.
        int peaks = 0;
        for (int i = 1; i < den.grid().length - 1; i++) {
            double[] v = den.values();
            if (v[i] > v[i - 1] && v[i] >= v[i + 1]) {
                double t = den.grid()[i];
                double nearest = Math.min(Math.abs(t + 1), Math.min(Math.abs(t - 2), Math.abs(t - 6)));
                assertTrue(nearest < 0.01, "peak at " + t);
                // Height ~ (1/3) / (sigma sqrt(2 pi)) = 1.33.
                assertEquals(1.0 / 3 / (0.1 * Math.sqrt(2 * Math.PI)), v[i], 0.15);
                peaks++;
            }
        }
        assertEquals(3, peaks);
        // Lanczos stops on the invariant subspace after 3 steps per run.
        assertEquals(4 * 3, den.products());
    }

    @Test
    void densityOfTheHessianIntegratesToOne() {
        Hessian h = smallHessian();
        SpectralDensity.Density den = SpectralDensity.create().runs(3).steps(30).seed(7).run(h);
        assertEquals(1, den.integral(), 1e-6);
        double[] ev = Dense.eigen(Dense.matrix(h)).values();
        assertTrue(den.grid()[0] <= ev[ev.length - 1] && den.grid()[den.grid().length - 1] >= ev[0]);
    }

    /** U diag(lambda) U^T for a random orthogonal U: a dense operator with a known spectrum and trace. */
    static LinearOperator withSpectrum(double[] lambda, long seed) {
        int n = lambda.length;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        double[][] u = new double[n][];
        for (int k = 0; k < n; k++) {
            double[] v = Lanczos.gaussian(n, rng);
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < k; j++) {
                    Vectors.axpy(-Vectors.dot(u[j], v), u[j], v);
                }
            }
            Vectors.scale(v, 1 / Vectors.norm(v));
            u[k] = v;
        }
        double[][] a = new double[n][n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i][j] += lambda[k] * u[k][i] * u[k][j];
                }
            }
        }
        return LinearOperator.dense(a);
    }

    /** Ten outliers over a flat bulk of small eigenvalues of both signs, like a trained network's Hessian. */
    static double[] lowRankPlusNoise(int n) {
        double[] lambda = new double[n];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(12);
        for (int i = 0; i < n; i++) {
            lambda[i] = i < 10 ? 50 + 10 * i : -0.5 + 1.5 * rng.nextDouble();
        }
        return lambda;
    }

    static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }

    @Test
    void hutchPlusPlusMatchesTheExactTraceOfADenseMatrix() {
        double[] lambda = lowRankPlusNoise(200);
        LinearOperator a = withSpectrum(lambda, 13);
        double exact = sum(lambda);
        Hutchinson.Trace t = Hutchinson.create().sketch(20).target(0.001).maxSamples(400).seed(3).run(a);
        assertEquals("hutch++", t.method());
        assertEquals(20, t.sketch());
        assertEquals(40 + t.samples(), t.products());
        assertTrue(Math.abs(t.mean() - exact) <= 3 * t.stderr(), t + " vs exact " + exact);
        assertTrue(t.converged() && t.stderr() < 0.001 * Math.abs(t.mean()), t.toString());
        // A sketch as wide as the space leaves nothing to estimate: the trace is exact.
        Hutchinson.Trace full = Hutchinson.create().sketch(30).seed(3).run(withSpectrum(lowRankPlusNoise(30), 14));
        assertEquals(sum(lowRankPlusNoise(30)), full.mean(), 1e-9);
        assertEquals(0, full.samples());
        assertTrue(full.converged());
    }

    @Test
    void hutchPlusPlusReachesTheTargetWithFewerProductsThanHutchinson() {
        double[] lambda = lowRankPlusNoise(300);
        LinearOperator a = withSpectrum(lambda, 15);
        double exact = sum(lambda);
        Hutchinson.Trace plain = Hutchinson.create().target(0.01).maxSamples(5000).seed(4).run(a);
        Hutchinson.Trace plus = Hutchinson.create().sketch(20).target(0.01).maxSamples(5000).seed(4).run(a);
        for (Hutchinson.Trace t : new Hutchinson.Trace[] {plain, plus}) {
            assertTrue(t.converged(), t.toString());
            assertTrue(Math.abs(t.mean() - exact) <= 0.03 * exact, t + " vs exact " + exact);
        }
        assertEquals(plain.samples(), plain.products());
        assertTrue(plus.products() * 5 < plain.products(), plus + " against " + plain);
        // A cap below what the target needs: the result says it was not met.
        Hutchinson.Trace capped = Hutchinson.create().target(0.01).maxSamples(20).seed(4).run(a);
        assertTrue(!capped.converged() && capped.samples() == 20 && capped.target() == 0.01, capped.toString());
    }
}
