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
    void rejectsUnknownPrecision() {
        assertThrows(IllegalArgumentException.class, () -> Peak.measure("f16", 1, 1));
    }
}
