package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The peak probe measures something real: positive, finite, per precision; no speed is asserted (shared machine). */
class PeakTest {

    @Test
    void probeGivesPositiveFiniteFiguresPerPrecision() {
        assertTrue(Peak.available(), "the tests run with the Vector API");
        Peak.Result d = Peak.measure("f64", 2, 1);
        Peak.Result f = Peak.measure("f32", 1, 1);
        for (Peak.Result r : new Peak.Result[] {d, f}) {
            assertTrue(r.gflopsOneThread() > 0 && Double.isFinite(r.gflopsOneThread()), r.toString());
            assertTrue(r.gflops() > 0 && Double.isFinite(r.gflops()), r.toString());
        }
        assertEquals(2, d.threads());
        assertEquals(1, f.threads());
        assertEquals(f.gflopsOneThread(), f.gflops(), "one thread: the budget's figure is the one-thread figure");
        // A float32 vector register holds twice the lanes of a float64 one.
        assertEquals(2 * d.lanes(), f.lanes());
    }

    @Test
    void probeLoopComputesTheChainsItClaims() {
        // c <- c * a + y per iteration, twelve chains started at 1.0, 1.1, ..., 2.1, over every lane.
        double a = 0.999999, y = 1e-7, expected = 0;
        for (int chain = 0; chain < VectorPeak.CHAINS; chain++) {
            double c = 1.0 + 0.1 * chain;
            for (int i = 0; i < 5; i++) {
                c = Math.fma(c, a, y);
            }
            expected += c;
        }
        expected *= VectorPeak.lanes(false);
        assertEquals(expected, VectorPeak.run(false, 5), 1e-12 * expected);
    }

    @Test
    void roundsTooShortToTimeAreLengthenedAndNotCounted() {
        // A loop running 1e9 iterations/s (2 flops each) measured from rounds sized for a rate 100x
        // slower (the warm-up saw the JIT's intermediate code): 0.5 ms rounds, where a fixed hand-off
        // cost of 0.1 ms per round would read 1.67 GFLOP/s. Rounds are lengthened until they last
        // 25 ms or more, and only those count.
        int[] calls = {0};
        long[] last = {0};
        java.util.function.LongToDoubleFunction seconds = n -> {
            calls[0]++;
            last[0] = n;
            return n / 1e9 + 1e-4;
        };
        double gflops = Peak.best(3, 500_000, 2, seconds);
        // 500,000 iterations (0.6 ms) grow to 41.7 million (41.8 ms) in one step, then 3 rounds count.
        assertEquals(4, calls[0]);
        assertEquals(41_666_666, last[0], 1);
        assertEquals(2 * last[0] / (last[0] / 1e9 + 1e-4) / 1e9, gflops, 1e-12);
        assertTrue(gflops > 1.99, "" + gflops);
    }

    @Test
    void figureIsTheBestOfTheCountedRounds() {
        // Rounds long enough from the start: exactly 3 run, and the fastest decides.
        double[] slowdown = {1.5, 1.0, 1.2, 0.5};
        int[] round = {0};
        double gflops = Peak.best(3, 50_000_000, 2, n -> slowdown[round[0]++] * n / 1e9);
        assertEquals(2.0, gflops, 1e-9);
        assertEquals(3, round[0]);
    }

    @Test
    void aClockThatNeverAdvancesEndsWithNoFigureInsteadOfLoopingForEver() {
        assertEquals(0.0, Peak.best(3, 1_000, 2, n -> 0.0), 0.0);
    }

    @Test
    void rejectsUnknownPrecision() {
        assertThrows(IllegalArgumentException.class, () -> Peak.measure("f16", 1, 1));
    }
}
