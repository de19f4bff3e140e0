package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The warm-up's products take every branch real products take, so C2 compiles no branch as a
 * trap that the first real product would hit (the cause of 15x slower first epochs).
 */
class KernelWarmUpTest {

    @Test
    void productsSpanTwoKBlocksAndLeaveEdgeTiles() {
        // Two k-blocks: the micro-kernel both stores (first block) and accumulates (second).
        for (int kc : new int[] {VectorMatMul.KC, FloatProduct.KC}) {
            assertTrue(KernelWarmUp.K > kc && KernelWarmUp.K <= 2 * kc);
        }
        // Edge tiles in m and n for both precisions on AVX2 (MR 8, 16), AVX-512 (MR 16, 32) and this
        // machine, and at least one full tile.
        for (int mr : new int[] {8, 16, 32, VectorMatMul.MR, FloatProduct.MR}) {
            assertNotEquals(0, KernelWarmUp.M % mr);
            assertTrue(KernelWarmUp.M > mr);
        }
        assertNotEquals(0, KernelWarmUp.N % VectorMatMul.NR);
        assertTrue(KernelWarmUp.N > VectorMatMul.NR);
    }

    @Test
    void warmUpRunsOnTheKernelItIsGiven() {
        int[] calls = {0};
        MatMul counting = new MatMul() {
            @Override
            public void multiply(org.ojalgo.matrix.store.R064Store a, boolean ta, org.ojalgo.matrix.store.R064Store b,
                    boolean tb, org.ojalgo.matrix.store.R064Store c) {
                MatMul.checkShapes(a, ta, b, tb, c);
                calls[0]++;
            }

            @Override
            public String name() {
                return "counting";
            }

            @Override
            public int threads() {
                return 1;
            }
        };
        KernelWarmUp.run(counting);
        assertTrue(calls[0] == 3 * KernelWarmUp.ROUNDS, "calls " + calls[0]);
    }

    @Test
    void awaitingTheWarmUpReturnsOnceItsThreadHasEnded() {
        MatMul.withThreads(1, Dtype.F32); // starts the float32 warm-up if nothing has yet
        MatMul.awaitWarmUp(Dtype.F32);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertTrue(!t.getName().equals("softalign-kernel-warmup-f32"), "the warm-up thread still runs: " + t);
        }
        MatMul.awaitWarmUp(Dtype.F32); // and at once when it has
    }
}
