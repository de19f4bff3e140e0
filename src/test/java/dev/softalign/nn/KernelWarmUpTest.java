package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
        // The products, then per training step of the 3-layer network: its forward (3), the deltas
        // of 2 layers, 3 weight gradients, and an evaluation's forward (3).
        assertEquals(3 * KernelWarmUp.ROUNDS + 11 * KernelWarmUp.STEP_ROUNDS, calls[0]);
    }

    @Test
    @Timeout(120) // a warm-up waiting for itself would hang here
    void awaitingTheWarmUpReturnsOnceItsThreadHasEnded() {
        MatMul.withThreads(1, Dtype.F32); // starts the float32 warm-up if nothing has yet
        MatMul.awaitWarmUp(Dtype.F32);
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            assertTrue(!t.getName().equals("softalign-kernel-warmup-f32"), "the warm-up thread still runs: " + t);
        }
        MatMul.awaitWarmUp(Dtype.F32); // and at once when it has
    }

    @Test
    void aKernelsFirstLargeProductWaitsForItsWarmUpWhichDoesNotWaitForItself() throws IOException, InterruptedException {
        // A fresh JVM, so the warm-up starts with the kernel: there it has certainly not ended when
        // a small product returns, which does not wait. The warm-up's own products pass the same
        // gate; if they waited for it, it would never end, nor would the large product (the timeout).
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), FirstProducts.class.getName()).redirectErrorStream(true).start();
        try {
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the large product never returned");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("kernel vector-f32, warm-up running after a small product: true, after a large "
                    + "one: false"), out);
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Makes the float32 kernel, multiplies below and then above {@link VectorMatMul#WAIT_FLOPS},
     * and says whether the warm-up thread still ran after each.
     */
    static final class FirstProducts {
        public static void main(String[] args) {
            MatMul k = MatMul.withThreads(2, Dtype.F32);
            boolean afterSmall = product(k, 3);
            assertTrue(2.0 * 256 * 256 * 256 >= VectorMatMul.WAIT_FLOPS && 2.0 * 3 * 3 * 3 < VectorMatMul.WAIT_FLOPS);
            boolean afterLarge = product(k, 256);
            System.out.println("kernel " + k.name() + ", warm-up running after a small product: " + afterSmall
                    + ", after a large one: " + afterLarge);
        }

        private static boolean product(MatMul k, int size) {
            org.ojalgo.matrix.store.R064Store a = org.ojalgo.matrix.store.R064Store.FACTORY.make(size, size);
            k.multiply(a, false, a, false, org.ojalgo.matrix.store.R064Store.FACTORY.make(size, size));
            return Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals("softalign-kernel-warmup-f32"));
        }
    }
}
