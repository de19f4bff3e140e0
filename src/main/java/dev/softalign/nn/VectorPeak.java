package dev.softalign.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-FMA loops of {@link Peak}: {@link #CHAINS} independent accumulators per thread,
 * each updated by one fused multiply-add per iteration, with operands that never leave registers.
 * Twelve chains cover the FMA latency (4 cycles) times the FMA units (2) of current x86 cores with
 * room to spare, and fit the 16 vector registers of AVX2 together with the two operands.
 * Reached only when the incubator module is loaded ({@link Peak#available}).
 */
final class VectorPeak {

    static final int CHAINS = 12;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private VectorPeak() {
    }

    static int lanes(boolean f32) {
        return f32 ? F.length() : D.length();
    }

    /**
     * Runs {@code iterations} rounds of {@link #CHAINS} FMAs and returns a value that depends on
     * every accumulator, so the JIT cannot drop the work.
     */
    static double run(boolean f32, long iterations) {
        return f32 ? runFloat(iterations) : runDouble(iterations);
    }

    private static double runDouble(long iterations) {
        // a * x + y with a just below 1 and y small keeps every value finite for any count.
        DoubleVector a = DoubleVector.broadcast(D, 0.999999);
        DoubleVector y = DoubleVector.broadcast(D, 1e-7);
        DoubleVector c0 = DoubleVector.broadcast(D, 1.0), c1 = DoubleVector.broadcast(D, 1.1);
        DoubleVector c2 = DoubleVector.broadcast(D, 1.2), c3 = DoubleVector.broadcast(D, 1.3);
        DoubleVector c4 = DoubleVector.broadcast(D, 1.4), c5 = DoubleVector.broadcast(D, 1.5);
        DoubleVector c6 = DoubleVector.broadcast(D, 1.6), c7 = DoubleVector.broadcast(D, 1.7);
        DoubleVector c8 = DoubleVector.broadcast(D, 1.8), c9 = DoubleVector.broadcast(D, 1.9);
        DoubleVector ca = DoubleVector.broadcast(D, 2.0), cb = DoubleVector.broadcast(D, 2.1);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, y); c1 = c1.fma(a, y); c2 = c2.fma(a, y); c3 = c3.fma(a, y);
            c4 = c4.fma(a, y); c5 = c5.fma(a, y); c6 = c6.fma(a, y); c7 = c7.fma(a, y);
            c8 = c8.fma(a, y); c9 = c9.fma(a, y); ca = ca.fma(a, y); cb = cb.fma(a, y);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(ca).add(cb)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    private static double runFloat(long iterations) {
        FloatVector a = FloatVector.broadcast(F, 0.9999f);
        FloatVector y = FloatVector.broadcast(F, 1e-4f);
        FloatVector c0 = FloatVector.broadcast(F, 1.0f), c1 = FloatVector.broadcast(F, 1.1f);
        FloatVector c2 = FloatVector.broadcast(F, 1.2f), c3 = FloatVector.broadcast(F, 1.3f);
        FloatVector c4 = FloatVector.broadcast(F, 1.4f), c5 = FloatVector.broadcast(F, 1.5f);
        FloatVector c6 = FloatVector.broadcast(F, 1.6f), c7 = FloatVector.broadcast(F, 1.7f);
        FloatVector c8 = FloatVector.broadcast(F, 1.8f), c9 = FloatVector.broadcast(F, 1.9f);
        FloatVector ca = FloatVector.broadcast(F, 2.0f), cb = FloatVector.broadcast(F, 2.1f);
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, y); c1 = c1.fma(a, y); c2 = c2.fma(a, y); c3 = c3.fma(a, y);
            c4 = c4.fma(a, y); c5 = c5.fma(a, y); c6 = c6.fma(a, y); c7 = c7.fma(a, y);
            c8 = c8.fma(a, y); c9 = c9.fma(a, y); ca = ca.fma(a, y); cb = cb.fma(a, y);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(ca).add(cb)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
