package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElementwiseTest {

    /** Values where rounding to float32 is easy to get wrong: ties, subnormals, overflow, signed zero, NaN. */
    private static double[] hardValues() {
        double ulpHalf = Math.ulp(1.0f) / 2; // 1 + ulpHalf is a tie between 1 and 1 + ulp(1f)
        return new double[] {
            0.0, -0.0, 1.0 + ulpHalf, 1.0 + 3 * ulpHalf, -1.0 - ulpHalf, 1.0 + ulpHalf + Math.ulp(1.0),
            Float.MAX_VALUE, (double) Float.MAX_VALUE * (1 + 1e-9), 3.5e38, -3.5e38, 1e300,
            Float.MIN_VALUE, Float.MIN_VALUE / 2, Float.MIN_VALUE * 0.75, Float.MIN_NORMAL * 0.999999,
            Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Math.PI, -Math.E,
        };
    }

    @Test
    void float32RoundingIsTheCastOnHardValuesAndEveryLength() {
        double[] hard = hardValues();
        SplittableRandom rng = new SplittableRandom(3);
        for (int length = 0; length <= 67; length++) { // every tail length of every vector width
            double[] v = new double[length];
            for (int i = 0; i < length; i++) {
                v[i] = i < hard.length ? hard[(i * 7) % hard.length] : rng.nextGaussian() * Math.pow(10, rng.nextInt(-40, 40));
            }
            double[] expected = v.clone();
            for (int i = 0; i < length; i++) {
                expected[i] = (float) expected[i];
            }
            Dtype.F32.round(v);
            assertArrayEquals(expected, v, "length " + length);
        }
    }

    @Test
    void aRoundedCopyIsTheCastOfEachValueAndTouchesNothingElse() {
        double[] hard = hardValues();
        SplittableRandom rng = new SplittableRandom(4);
        for (int length = 0; length <= 67; length++) {
            double[] src = new double[length + 5];
            for (int i = 0; i < src.length; i++) {
                src[i] = i < hard.length ? hard[(i * 5) % hard.length] : rng.nextGaussian() * Math.pow(10, rng.nextInt(-40, 40));
            }
            double[] dst = new double[length + 7];
            java.util.Arrays.fill(dst, 7.0);
            Elementwise.copyRounded(src, 3, dst, 2, length);
            for (int i = 0; i < dst.length; i++) {
                double want = i >= 2 && i < 2 + length ? (float) src[i + 1] : 7.0;
                assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(dst[i]), "length " + length + ", at " + i);
            }
        }
    }

    @Test
    void aRangeRoundsOnlyItsValuesAndFloat64RoundsNothing() {
        double[] v = {Math.PI, Math.PI, Math.PI, Math.PI, Math.PI, Math.PI, Math.PI, Math.PI, Math.PI, Math.PI};
        Dtype.F64.round(v);
        assertEquals(Math.PI, v[0], 0);
        Dtype.F32.round(v, 2, 9);
        assertEquals(Math.PI, v[1], 0);
        assertEquals((float) Math.PI, v[2], 0);
        assertEquals((float) Math.PI, v[8], 0);
        assertEquals(Math.PI, v[9], 0);
    }

    @Test
    void theVectorLoopsRunWhereTheModuleIsPresent() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(), "tests run with the Vector API");
        assertTrue(Elementwise.OPS instanceof VectorElementwise, Elementwise.OPS.getClass().getName());
    }

    /** What a loop wrote equals its per-element definition and the scalar loop's output. */
    private static void assertDefinitionAndScalarBits(String where, double[] definition, double[] scalar, double[] actual) {
        assertArrayEquals(definition, actual, where);
        assertArrayEquals(scalar, actual, where);
    }

    /** Random values with the hard ones (zeros of both signs, NaN, infinities) scattered among them. */
    private static double[] mixed(int length, SplittableRandom rng) {
        double[] hard = hardValues();
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = rng.nextInt(4) == 0 ? (rng.nextBoolean() ? -1 : 1) * hard[rng.nextInt(hard.length)] : rng.nextGaussian();
        }
        return v;
    }

    @Test
    void reluMaskAndSignStepGiveTheScalarLoopsBits() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int length = 0; length <= 67; length++) {
            double[] d = mixed(length, rng);
            double[] a = mixed(length, rng);
            double[] expected = d.clone();
            Elementwise.SCALAR.reluMask(expected, a, 0, length);
            Elementwise.reluMask(d, a, 0, length);
            assertArrayEquals(expected, d, "relu mask, length " + length);
            for (int i = 0; i < length; i++) {
                assertEquals(a[i] > 0 ? expected[i] : 0.0, d[i], 0);
            }

            // The product form: the derivative times x, NaN and infinities included; in place too.
            double[] x = mixed(length, rng);
            double[] times = new double[length];
            Elementwise.reluDerivativeTimes(times, a, x, 0, length);
            double[] scalarTimes = new double[length];
            Elementwise.SCALAR.reluDerivativeTimes(scalarTimes, a, x, 0, length);
            assertArrayEquals(scalarTimes, times, "relu derivative times, length " + length);
            for (int i = 0; i < length; i++) {
                assertEquals(Double.doubleToLongBits((a[i] > 0 ? 1.0 : 0.0) * x[i]), Double.doubleToLongBits(times[i]));
            }
            Elementwise.reluDerivativeTimes(x, a, x, 0, length);
            assertArrayEquals(scalarTimes, x, "in place, length " + length);

            double[] xa = mixed(length, rng);
            double[] g = mixed(length, rng);
            int from = length / 3;
            double[] want = xa.clone();
            for (int i = from; i < length; i++) {
                want[i] += 0.0125 * Math.signum(g[i]);
            }
            Elementwise.signStep(xa, g, 0.0125, from, length);
            assertArrayEquals(want, xa, "sign step, length " + length);
        }
    }

    @Test
    void addBiasGivesTheScalarLoopsBitsAndItsDefinition() {
        SplittableRandom rng = new SplittableRandom(12);
        for (int rows = 1; rows <= 19; rows += 3) {
            for (boolean f32 : new boolean[] {false, true}) {
                // Columns 1..3 of 4: the first is left as it was.
                int cols = 4;
                double[] a = mixed(rows * cols, rng);
                double[] bias = mixed(rows, rng);
                double[] want = a.clone();
                double[] wantRelu = new double[a.length];
                for (int j = 1; j < cols; j++) {
                    for (int k = 0; k < rows; k++) {
                        double s = a[j * rows + k] + bias[k];
                        want[j * rows + k] = f32 ? (float) s : s;
                        wantRelu[j * rows + k] = Math.max(want[j * rows + k], 0.0);
                    }
                }
                double[] scalar = a.clone();
                double[] scalarRelu = new double[a.length];
                Elementwise.SCALAR.addBias(scalar, bias, rows, 1, cols, f32, scalarRelu);
                double[] relu = new double[a.length];
                Elementwise.addBias(a, bias, rows, 1, cols, f32, relu);
                String where = rows + " rows, f32 " + f32;
                assertDefinitionAndScalarBits(where, want, scalar, a);
                assertDefinitionAndScalarBits(where, wantRelu, scalarRelu, relu);
            }
        }
    }

    @Test
    void momentumGivesTheScalarLoopsBitsAndPyTorchsRecurrence() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int length = 0; length <= 37; length += 5) {
            for (int variant = 0; variant < 8; variant++) {
                boolean first = (variant & 1) != 0;
                boolean nesterov = (variant & 2) != 0;
                boolean f32 = (variant & 4) != 0;
                double[] w = mixed(length, rng);
                double[] g = mixed(length, rng);
                double[] buf = mixed(length, rng);
                double lr = 0.01;
                double mu = 0.9;
                double wd = 5e-4;
                double[] wantW = w.clone();
                double[] wantBuf = buf.clone();
                for (int k = 2; k < length; k++) {
                    double d = g[k] + wd * w[k];
                    double b = first ? d : mu * buf[k] + d;
                    wantBuf[k] = f32 ? (float) b : b;
                    double v = w[k] - lr * (nesterov ? d + mu * wantBuf[k] : wantBuf[k]);
                    wantW[k] = f32 ? (float) v : v;
                }
                double[] scalarW = w.clone();
                double[] scalarBuf = buf.clone();
                int from = Math.min(2, length);
                Elementwise.SCALAR.momentum(scalarW, g, scalarBuf, lr, mu, wd, first, nesterov, f32, from, length);
                Elementwise.momentum(w, g, buf, lr, mu, wd, first, nesterov, f32, from, length);
                String where = "length " + length + ", variant " + variant;
                assertDefinitionAndScalarBits(where, wantW, scalarW, w);
                assertDefinitionAndScalarBits(where, wantBuf, scalarBuf, buf);
            }
        }
    }

    @Test
    void momentumWithAFloat32BufferGivesTheBitsOfTheFloat32Step() {
        SplittableRandom rng = new SplittableRandom(15);
        for (int length = 0; length <= 37; length += 5) {
            for (int variant = 0; variant < 4; variant++) {
                boolean first = (variant & 1) != 0;
                boolean nesterov = (variant & 2) != 0;
                double[] w = mixed(length, rng);
                double[] g = mixed(length, rng);
                float[] buf32 = new float[length];
                double[] buf = new double[length];
                for (int k = 0; k < length; k++) {
                    buf32[k] = (float) rng.nextGaussian(); // a float32 step's buffer holds float32 values
                    buf[k] = buf32[k];
                }
                double[] wantW = w.clone();
                int from = Math.min(2, length);
                Elementwise.SCALAR.momentum(wantW, g, buf, 0.01, 0.9, 5e-4, first, nesterov, true, from, length);
                double[] scalarW = w.clone();
                float[] scalarBuf = buf32.clone();
                Elementwise.SCALAR.momentum(scalarW, g, scalarBuf, 0.01, 0.9, 5e-4, first, nesterov, from, length);
                Elementwise.momentum(w, g, buf32, 0.01, 0.9, 5e-4, first, nesterov, from, length);
                String where = "length " + length + ", variant " + variant;
                assertDefinitionAndScalarBits(where, wantW, scalarW, w);
                double[] widened = new double[length];
                double[] scalarWidened = new double[length];
                for (int k = 0; k < length; k++) {
                    widened[k] = buf32[k];
                    scalarWidened[k] = scalarBuf[k];
                }
                assertDefinitionAndScalarBits(where, buf, scalarWidened, widened);
            }
        }
    }

    @Test
    void linfAscentIsTheStepTheProjectionAndTheClip() {
        SplittableRandom rng = new SplittableRandom(14);
        for (int length = 0; length <= 43; length += 3) {
            double[] x = new double[length];
            double[] xa = new double[length];
            for (int i = 0; i < length; i++) {
                x[i] = rng.nextInt(5) == 0 ? rng.nextInt(2) : rng.nextDouble();
                xa[i] = x[i] + rng.nextDouble(-0.1, 0.1);
            }
            double[] g = mixed(length, rng);
            double eps = 0.05;
            double alpha = 0.02;
            double[] want = xa.clone();
            int from = length / 4;
            for (int i = from; i < length; i++) {
                double t = want[i] + alpha * Math.signum(g[i]);
                t = x[i] + Math.max(-eps, Math.min(eps, t - x[i]));
                want[i] = Math.max(0, Math.min(1, t));
            }
            double[] scalar = xa.clone();
            Elementwise.SCALAR.linfAscent(scalar, g, alpha, x, eps, from, length);
            Elementwise.linfAscent(xa, g, alpha, x, eps, from, length);
            assertArrayEquals(want, xa, "length " + length);
            assertArrayEquals(scalar, xa, "length " + length);
        }
    }

    @Test
    void pixelsAreTheByteOver255AtEveryValueOffsetAndLengthUpToTheArraysEnd() {
        byte[] src = new byte[256 + 13];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 7 + 3); // every byte value, in an order no lane pattern follows
        }
        for (boolean f32 : new boolean[] {false, true}) {
            // Runs ending at the array's last byte, where an 8-byte load would read past it.
            for (int srcPos : new int[] {0, 1, 5, 9, src.length - 20, src.length - 8, src.length - 3, src.length}) {
                int length = src.length - srcPos;
                double[] dst = new double[length + 4];
                java.util.Arrays.fill(dst, -1);
                double[] want = dst.clone();
                for (int i = 0; i < length; i++) {
                    double v = (src[srcPos + i] & 0xff) / 255.0;
                    want[2 + i] = f32 ? (float) v : v;
                }
                double[] scalar = dst.clone();
                Elementwise.SCALAR.pixels(src, srcPos, scalar, 2, length, f32);
                Elementwise.pixels(src, srcPos, dst, 2, length, f32);
                assertDefinitionAndScalarBits("from " + srcPos + (f32 ? ", f32" : ""), want, scalar, dst);
            }
        }
        assertEquals(1.0, decodedPixel((byte) 0xff));
        assertEquals(128 / 255.0, decodedPixel((byte) 0x80)); // unsigned: 0x80 is 128, not -128
    }

    private static double decodedPixel(byte b) {
        double[] out = new double[1];
        Elementwise.pixels(new byte[] {b}, 0, out, 0, 1, false);
        return out[0];
    }
}
