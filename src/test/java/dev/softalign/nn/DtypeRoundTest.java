package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DtypeRoundTest {

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
}
