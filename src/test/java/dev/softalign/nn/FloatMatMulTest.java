package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;
import org.ojalgo.matrix.store.R064Store;

/** The float32 kernel: against a float64 sum within float32's error bound, bit for bit against the portable one. */
class FloatMatMulTest {

    private static final int[] SIZES = {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 65, 129};
    private static final boolean[] FLAGS = {false, true};

    private final MatMul vector = new VectorMatMul(2, Dtype.F32);
    private final MatMul portable = MatMul.portable(Dtype.F32);

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

    private static R064Store product(MatMul mm, R064Store a, boolean ta, R064Store b, boolean tb, int m, int n) {
        R064Store c = R064Store.FACTORY.make(m, n);
        java.util.Arrays.fill(c.data, Double.NaN); // c must be overwritten, not accumulated
        mm.multiply(a, ta, b, tb, c);
        return c;
    }

    /**
     * Each element against the float64 sum of the float32-rounded inputs, within the classical
     * bound of a float32 sum of k products: k u sum |a_ip b_pj| (u = 2^-24), plus a little slack.
     */
    private static void assertWithinFloatBound(R064Store a, boolean ta, R064Store b, boolean tb, double[] c, int m, int n,
                                               int k, String what) {
        double u = Math.ulp(1.0f) / 2;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double abs = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) (float) at(a, ta, i, p) * (float) at(b, tb, p, j);
                    s += t;
                    abs += Math.abs(t);
                }
                double got = c[i + j * m];
                assertEquals((float) got, got, 0.0, what + ": element is not a float32 value");
                assertTrue(Math.abs(got - s) <= 1.01 * (k + 1) * u * abs + Float.MIN_VALUE,
                        what + ": element (" + i + "," + j + ") expected " + s + " got " + got);
            }
        }
    }

    @Test
    void withinFloat32BoundAndBitIdenticalToPortableOnOddShapesAndAllTransposes() {
        Random rnd = new Random(1);
        for (boolean ta : FLAGS) {
            for (boolean tb : FLAGS) {
                for (int m : SIZES) {
                    for (int n : SIZES) {
                        int k = SIZES[(m + 3 * n) % SIZES.length];
                        R064Store a = random(rnd, m, k, ta);
                        R064Store b = random(rnd, k, n, tb);
                        R064Store c = product(vector, a, ta, b, tb, m, n);
                        String what = m + "x" + k + "*" + k + "x" + n + " ta=" + ta + " tb=" + tb;
                        assertWithinFloatBound(a, ta, b, tb, c.data, m, n, k, what);
                        assertArrayEquals(product(portable, a, ta, b, tb, m, n).data, c.data, 0.0, what + " vs portable");
                    }
                }
            }
        }
    }

    @Test
    void bitIdenticalToPortableOnMlpShapesAcrossBlocks() {
        // Crosses the KC, MC and thread-split boundaries; k = 600 spans three k-blocks; the last
        // shape has several k-blocks in each of two n-blocks (NC), whose float32 sums share a buffer.
        Random rnd = new Random(3);
        int[][] shapes = {{256, 600, 128}, {785, 257, 129}, {10, 256, 128}, {256, 128, 1030}, {37, 520, 1030}};
        for (int[] s : shapes) {
            for (boolean ta : FLAGS) {
                for (boolean tb : FLAGS) {
                    int m = s[0], k = s[1], n = s[2];
                    R064Store a = random(rnd, m, k, ta);
                    R064Store b = random(rnd, k, n, tb);
                    double[] c = product(vector, a, ta, b, tb, m, n).data;
                    String what = m + "x" + k + "x" + n + " ta=" + ta + " tb=" + tb;
                    assertArrayEquals(product(portable, a, ta, b, tb, m, n).data, c, 0.0, what);
                    if (m == 10) {
                        assertWithinFloatBound(a, ta, b, tb, c, m, n, k, what);
                    }
                }
            }
        }
    }

    @Test
    void sameBitsWhateverTheThreadCount() {
        Random rnd = new Random(4);
        MatMul one = new VectorMatMul(1, Dtype.F32);
        MatMul three = new VectorMatMul(3, Dtype.F32);
        int[][] shapes = {{256, 784, 128}, {129, 300, 785}, {785, 257, 129}};
        for (int[] s : shapes) {
            for (boolean ta : FLAGS) {
                for (boolean tb : FLAGS) {
                    int m = s[0], k = s[1], n = s[2];
                    R064Store a = random(rnd, m, k, ta);
                    R064Store b = random(rnd, k, n, tb);
                    double[] first = product(vector, a, ta, b, tb, m, n).data;
                    assertArrayEquals(first, product(vector, a, ta, b, tb, m, n).data, 0.0);
                    assertArrayEquals(first, product(one, a, ta, b, tb, m, n).data, 0.0);
                    assertArrayEquals(first, product(three, a, ta, b, tb, m, n).data, 0.0);
                }
            }
        }
    }

    @Test
    void emptyInnerDimensionGivesZeros() {
        for (MatMul mm : new MatMul[] {vector, portable}) {
            R064Store c = R064Store.FACTORY.make(3, 4);
            java.util.Arrays.fill(c.data, 7.0);
            mm.multiply(R064Store.FACTORY.make(3, 0), false, R064Store.FACTORY.make(0, 4), false, c);
            assertArrayEquals(new double[12], c.data, 0.0, mm.name());
        }
    }

    @Test
    void twiceTheLanesOfTheFloat64KernelAndFactoriesPerDtype() {
        assertEquals(2 * jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(), FloatProduct.MR);
        assertEquals(2 * VectorMatMul.MR, FloatProduct.MR, "a float32 tile holds twice the rows of a float64 one");
        assertEquals(Dtype.F32, MatMul.withThreads(2, Dtype.F32).dtype());
        assertEquals(2, MatMul.withThreads(2, Dtype.F32).threads());
        assertEquals(Dtype.F32, MatMul.get(Dtype.F32).dtype());
        assertEquals(Dtype.F64, MatMul.get().dtype());
        assertEquals(Dtype.F64, MatMul.withThreads(2).dtype());
        assertEquals(Dtype.F32, portable.dtype());
    }
}
