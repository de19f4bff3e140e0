package dev.softalign.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;

/** Rank correlation against commons-math's, and its bootstrap interval's invariants. */
class StatsTest {

    @Test
    void spearmanOfAHandComputedExample() {
        // Ranks 1..5 against 2,1,4,3,5: d = -1,1,-1,1,0, sum d^2 = 4, rho = 1 - 6 * 4 / (5 * 24) = 0.8.
        assertEquals(0.8, Stats.spearman(new double[] {10, 20, 30, 40, 50}, new double[] {0.2, 0.1, 0.4, 0.3, 0.5}),
                1e-15);
        // A perfectly reversed ranking is -1 in every bootstrap resample that can be ranked.
        assertArrayEquals(new double[] {-1, -1}, Stats.spearmanCi(new double[] {1, 2, 3, 4, 5},
                new double[] {9, 7, 5, 3, 1}, 500, 2), 0.0);
    }

    @Test
    void spearmanIsCommonsMathsWithTiesAndSkipsNonFinitePairs() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 20; trial++) {
            int n = 3 + rng.nextInt(30);
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = rng.nextInt(8); // ties on purpose
                y[i] = x[i] * (trial % 3 - 1) + rng.nextGaussian() * 3;
            }
            double expected = new SpearmansCorrelation().correlation(x, y);
            if (Double.isNaN(expected)) {
                continue;
            }
            assertEquals(expected, Stats.spearman(x, y), 1e-12, "trial " + trial);
        }
        assertEquals(1.0, Stats.spearman(new double[] {1, 2, Double.NaN, 3}, new double[] {10, 20, 0, 40}), 1e-15);
        assertEquals(-1.0, Stats.spearman(new double[] {1, 2, 3, 4}, new double[] {3, 2, Double.POSITIVE_INFINITY, 1}),
                1e-15);
        assertTrue(Double.isNaN(Stats.spearman(new double[] {1, 2}, new double[] {1, 2})), "fewer than 3 pairs");
        assertTrue(Double.isNaN(Stats.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})), "a constant side");
    }

    @Test
    void bootstrapIntervalIsSeededAndHoldsTheEstimate() {
        SplittableRandom rng = new SplittableRandom(9);
        double[] x = new double[40];
        double[] y = new double[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
            y[i] = 0.5 * x[i] + rng.nextGaussian();
        }
        double rho = Stats.spearman(x, y);
        double[] ci = Stats.spearmanCi(x, y, 2000, 3);
        assertArrayEquals(ci, Stats.spearmanCi(x, y, 2000, 3), 0.0, "same seed, same interval");
        assertTrue(ci[0] < rho && rho < ci[1], ci[0] + " < " + rho + " < " + ci[1]);
        assertTrue(ci[0] > 0, "a clear positive association excludes 0: " + ci[0]);
        // Width of a 95% interval for rho about 0.4 on 40 pairs: about 0.5 (Fisher z: 2 x 1.96 / sqrt(37) in z).
        assertTrue(ci[1] - ci[0] > 0.25 && ci[1] - ci[0] < 0.8, "width " + (ci[1] - ci[0]));
        assertArrayEquals(new double[] {1, 1}, Stats.spearmanCi(new double[] {1, 2, 3, 4}, new double[] {2, 4, 6, 9}, 500, 1),
                0.0, "a perfect ranking stays perfect in every resample");
        assertTrue(Double.isNaN(Stats.spearmanCi(new double[] {1, 2}, new double[] {1, 2}, 100, 1)[0]));
    }
}
