package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.data.Synthetic;
import dev.softalign.nn.Activation;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import org.junit.jupiter.api.Test;

/** Lanczos answers only what it can: no more eigenvalues than the dimension, repeated ones kept at breakdown. */
class LanczosLimitsTest {

    @Test
    void repeatedEigenvaluesSurviveBreakdown() {
        // Four distinct values: every Krylov space breaks down after at most 4 steps, holding one copy of each.
        double[] d = new double[60];
        for (int i = 0; i < d.length; i++) {
            d[i] = i < 5 ? 7 : i < 30 ? 2 : i < 59 ? -1 : -4;
        }
        Lanczos.Result r = Lanczos.create().top(5).bottom(2).seed(3).run(LinearOperator.diagonal(d));
        assertTrue(r.converged());
        assertArrayEquals(new double[] {7, 7, 7, 7, 7}, r.top(), 1e-12);
        assertArrayEquals(new double[] {-4, -1}, r.bottom(), 1e-12);
        for (double res : r.topResiduals()) {
            assertTrue(res < 1e-12, "verified residual " + res);
        }
    }

    @Test
    void allZeroModelHasTheSoftmaxHessianThreeTimes() {
        // Zero weights: only the output bias moves the loss, with Hessian diag(p) - p p^T at p = 1/4,
        // whose spectrum is 1/4 (three times) and 0.
        Dataset d = Synthetic.blobs(200, 6, 4, 0.2, 1).train();
        Mlp net = Mlp.zeros(new int[] {6, 5, 4}, Activation.parse("relu"), Loss.parse("cross-entropy"));
        Hessian h = Hessian.of(net, d);
        Lanczos.Result r = Lanczos.create().top(3).seed(1).run(h);
        assertArrayEquals(new double[] {0.25, 0.25, 0.25}, r.top(), 1e-12);
        assertTrue(r.converged());
        double[] exact = Dense.eigen(Dense.matrix(h)).values();
        assertEquals(0.25, exact[2], 1e-12);
        assertEquals(0, exact[3], 1e-12);
    }

    @Test
    void moreEigenvaluesThanTheDimensionAreRefused() {
        LinearOperator op = LinearOperator.diagonal(new double[] {1, 2, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Lanczos.create().top(4).run(op));
        assertEquals("asked for the 4 largest eigenvalues of an operator of dimension 3", e.getMessage());
        assertArrayEquals(new double[] {3, 2, 1}, Lanczos.create().top(3).run(op).top(), 1e-12);
    }

    @Test
    void aNonFiniteProductIsAnErrorNotAnEigenvalue() {
        LinearOperator nan = LinearOperator.diagonal(new double[] {1, Double.NaN, 3});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lanczos.create().run(nan));
        assertTrue(e.getMessage().startsWith("the operator's product is not finite"), e.getMessage());
    }
}
