package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;

class VectorMatMulTest {

    private static final int[] SIZES = {1, 2, 3, 5, 7, 8, 9, 15, 17, 31, 33, 63, 65, 127, 129};
    private static final boolean[] FLAGS = {false, true};

    private final VectorMatMul vector = new VectorMatMul(2);

    /** A matrix with op(x) of shape rows x cols, stored transposed when asked. */
    private static R064Store random(Random rnd, int rows, int cols, boolean transposed) {
        R064Store x = transposed ? R064Store.FACTORY.make(cols, rows) : R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextGaussian();
        }
        return x;
    }

    private static double at(R064Store x, boolean transposed, int i, int j) {
        return transposed ? x.data[j + i * x.getRowDim()] : x.data[i + j * x.getRowDim()];
    }

    private static double[] naive(R064Store a, boolean ta, R064Store b, boolean tb, int m, int n, int k) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += at(a, ta, i, p) * at(b, tb, p, j);
                }
                c[i + j * m] = s;
            }
        }
        return c;
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double norm = 0;
        for (double e : expected) {
            norm = Math.max(norm, Math.abs(e));
        }
        double tol = 1e-12 * Math.max(norm, 1.0);
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            assertTrue(err <= tol, what + ": element " + i + " expected " + expected[i] + " got " + actual[i]);
        }
    }

    private R064Store product(MatMul mm, R064Store a, boolean ta, R064Store b, boolean tb, int m, int n) {
        R064Store c = R064Store.FACTORY.make(m, n);
        java.util.Arrays.fill(c.data, Double.NaN); // c must be overwritten, not accumulated
        mm.multiply(a, ta, b, tb, c);
        return c;
    }

    @Test
    void matchesNaiveOnOddShapesAndAllTransposes() {
        Random rnd = new Random(1);
        for (boolean ta : FLAGS) {
            for (boolean tb : FLAGS) {
                for (int m : SIZES) {
                    for (int n : SIZES) {
                        // All m x n pairs with a rotating k keeps the run short but covers every size in each role.
                        int k = SIZES[(m + 3 * n) % SIZES.length];
                        R064Store a = random(rnd, m, k, ta);
                        R064Store b = random(rnd, k, n, tb);
                        R064Store c = product(vector, a, ta, b, tb, m, n);
                        String what = m + "x" + k + "*" + k + "x" + n + " ta=" + ta + " tb=" + tb;
                        assertClose(naive(a, ta, b, tb, m, n, k), c.data, what);
                        assertClose(product(MatMul.portable(), a, ta, b, tb, m, n).data, c.data, what + " vs portable");
                    }
                }
            }
        }
    }

    @Test
    void matchesNaiveForEveryK() {
        Random rnd = new Random(2);
        for (boolean ta : FLAGS) {
            for (boolean tb : FLAGS) {
                for (int k : SIZES) {
                    for (int[] mn : new int[][] {{33, 17}, {1, 65}, {65, 1}, {24, 8}}) {
                        R064Store a = random(rnd, mn[0], k, ta);
                        R064Store b = random(rnd, k, mn[1], tb);
                        R064Store c = product(vector, a, ta, b, tb, mn[0], mn[1]);
                        assertClose(naive(a, ta, b, tb, mn[0], mn[1], k), c.data, "k=" + k + " ta=" + ta + " tb=" + tb);
                    }
                }
            }
        }
    }

    @Test
    void matchesPortableOnMlpShapesAcrossBlocks() {
        // Large enough to cross the KC, MC and thread-split boundaries; k=600 spans three k-blocks.
        Random rnd = new Random(3);
        int[][] shapes = {{256, 600, 128}, {785, 257, 129}, {10, 256, 128}, {256, 128, 1030}};
        for (int[] s : shapes) {
            for (boolean ta : FLAGS) {
                for (boolean tb : FLAGS) {
                    int m = s[0], k = s[1], n = s[2];
                    R064Store a = random(rnd, m, k, ta);
                    R064Store b = random(rnd, k, n, tb);
                    R064Store expected = product(MatMul.portable(), a, ta, b, tb, m, n);
                    R064Store c = product(vector, a, ta, b, tb, m, n);
                    assertClose(expected.data, c.data, m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb);
                }
            }
        }
    }

    @Test
    void emptyDimensions() {
        R064Store a = R064Store.FACTORY.make(3, 0);
        R064Store b = R064Store.FACTORY.make(0, 4);
        R064Store c = R064Store.FACTORY.make(3, 4);
        java.util.Arrays.fill(c.data, 7.0);
        vector.multiply(a, false, b, false, c);
        assertArrayEquals(new double[12], c.data, 0.0); // k = 0: the empty sum is zero
        vector.multiply(R064Store.FACTORY.make(0, 5), false, R064Store.FACTORY.make(5, 4), false,
                R064Store.FACTORY.make(0, 4));
        vector.multiply(R064Store.FACTORY.make(3, 5), false, R064Store.FACTORY.make(5, 0), false,
                R064Store.FACTORY.make(3, 0));
    }

    @Test
    void deterministicAcrossCallsAndThreadCounts() {
        Random rnd = new Random(4);
        VectorMatMul one = new VectorMatMul(1);
        VectorMatMul three = new VectorMatMul(3);
        int[][] shapes = {{256, 784, 128}, {129, 300, 785}, {785, 257, 129}};
        for (int[] s : shapes) {
            for (boolean ta : FLAGS) {
                for (boolean tb : FLAGS) {
                    int m = s[0], k = s[1], n = s[2];
                    R064Store a = random(rnd, m, k, ta);
                    R064Store b = random(rnd, k, n, tb);
                    double[] first = product(vector, a, ta, b, tb, m, n).data;
                    for (int rep = 0; rep < 3; rep++) {
                        assertArrayEquals(first, product(vector, a, ta, b, tb, m, n).data, 0.0);
                    }
                    assertArrayEquals(first, product(one, a, ta, b, tb, m, n).data, 0.0);
                    assertArrayEquals(first, product(three, a, ta, b, tb, m, n).data, 0.0);
                }
            }
        }
    }

    @Test
    void concurrentCallersGetTheSameBits() throws Exception {
        // Callers share the kernel's pool; each has its own parts and buffers, and the same bits.
        Random rnd = new Random(5);
        R064Store a = random(rnd, 256, 300, false);
        R064Store b = random(rnd, 300, 129, true);
        double[] expected = product(vector, a, false, b, true, 256, 129).data;
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<double[]>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 24; i++) {
                results.add(callers.submit(() -> product(vector, a, false, b, true, 256, 129).data));
            }
            for (java.util.concurrent.Future<double[]> r : results) {
                assertArrayEquals(expected, r.get(), 0.0);
            }
        } finally {
            callers.shutdown();
        }
    }

    @Test
    void shapeMismatchThrows() {
        R064Store a = R064Store.FACTORY.make(3, 4);
        R064Store b = R064Store.FACTORY.make(5, 2);
        assertThrows(IllegalArgumentException.class, () -> vector.multiply(a, false, b, false, R064Store.FACTORY.make(3, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> vector.multiply(a, false, R064Store.FACTORY.make(4, 2), false, R064Store.FACTORY.make(3, 3)));
        assertThrows(IllegalArgumentException.class,
                () -> vector.multiply(a, true, R064Store.FACTORY.make(4, 2), false, R064Store.FACTORY.make(3, 2)));
        assertThrows(IllegalArgumentException.class, () -> new VectorMatMul(0));
        assertThrows(IllegalArgumentException.class, () -> MatMul.withThreads(0));
    }

    @Test
    void aKernelUsesTheThreadsItIsGiven() {
        assertEquals(3, MatMul.withThreads(3).threads());
        assertEquals(1, new VectorMatMul(1).threads());
        assertEquals(0, kernelThreads(new VectorMatMul(1)).size(), "one thread needs no helper");
        assertEquals(2, kernelThreads(new VectorMatMul(3)).size(), "the caller is the third thread");
        assertEquals(Runtime.getRuntime().availableProcessors(), MatMul.get().threads());
    }

    @Test
    void theBitIdentityTestsReallySplitTheirProducts() {
        // ParallelBudgetTest compares 1 and 2 kernel threads on networks of width 96 with batches
        // of 50 to 64; below the threshold their products would not split and that test could not fail.
        assertTrue(2.0 * 96 * 96 * 50 >= VectorMatMul.PARALLEL_FLOPS, "raise the width in ParallelBudgetTest");
    }

    /** CPU time of the given threads, ns. */
    private static long cpuNanos(List<Thread> threads, java.lang.management.ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : threads) {
            sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
        }
        return sum;
    }

    private static List<Thread> kernelThreads(VectorMatMul k) {
        List<Thread> out = new java.util.ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(k.threadNamePrefix())) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void idleKernelThreadsParkAndUseNoCpu() throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        VectorMatMul k = new VectorMatMul(2);
        Random rnd = new Random(6);
        R064Store a = random(rnd, 256, 256, false);
        R064Store b = random(rnd, 256, 128, false);
        R064Store c = R064Store.FACTORY.make(256, 128);
        for (int i = 0; i < 20; i++) {
            k.multiply(a, false, b, false, c);
        }
        List<Thread> workers = kernelThreads(k); // listed once: listing threads takes a safepoint
        assertEquals(1, workers.size(), "a 2-thread kernel has one helper");
        // Between products the worker must sleep at once: a helper that spins even 100 us after each
        // job before parking would burn about 100 us in every gap. A helper that woke late (the
        // caller had already taken its part back) parks again within some microseconds, and a
        // descheduled one can finish that later still, so single gaps may show CPU: the median
        // must not. On a crowded machine late wake-ups can fill a whole round, so up to three
        // rounds are taken; a spinning helper fails all three.
        long median = Long.MAX_VALUE;
        String seen = "";
        for (int round = 0; round < 3 && median >= 20_000L; round++) {
            long[] idleCpu = idleGapsCpu(k, a, b, c, workers, mx);
            median = idleCpu[idleCpu.length / 2];
            seen += java.util.Arrays.toString(idleCpu) + " ";
        }
        assertTrue(median < 20_000L, "idle kernel workers used a median " + median + " ns of CPU per 2 ms gap: " + seen);
    }

    /** CPU time the workers used in each of 51 idle 2 ms gaps after a product, sorted. */
    private static long[] idleGapsCpu(VectorMatMul k, R064Store a, R064Store b, R064Store c, List<Thread> workers,
            java.lang.management.ThreadMXBean mx) throws InterruptedException {
        long[] idleCpu = new long[51];
        for (int i = 0; i < idleCpu.length; i++) {
            k.multiply(a, false, b, false, c);
            long before = cpuNanos(workers, mx);
            Thread.sleep(2);
            idleCpu[i] = cpuNanos(workers, mx) - before;
            for (Thread t : workers) {
                Thread.State st = t.getState();
                assertTrue(st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING, t.getName() + " is " + st
                        + " while the kernel is idle");
            }
        }
        java.util.Arrays.sort(idleCpu);
        return idleCpu;
    }

    @Test
    void kernelsPicksVectorWhenModulePresent() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "surefire should pass --add-modules jdk.incubator.vector");
        if (!"portable".equals(System.getProperty("softalign.kernel"))) {
            assertInstanceOf(VectorMatMul.class, MatMul.get());
            assertEquals("vector", MatMul.get().name());
        }
    }
}
