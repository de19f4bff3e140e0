package dev.softalign.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongToDoubleFunction;

/**
 * The machine's arithmetic peak, measured rather than assumed: vector FMA chains on independent
 * register accumulators ({@link VectorPeak}), on one thread and on a thread budget at once. No
 * memory traffic, so this is the ceiling a matrix kernel can approach, per precision: a float32
 * vector holds twice the lanes of a float64 one. Machines differ (AVX-512 or AVX2, turbo under
 * load, a neighbour on a shared core), which is why nothing in softalign compares against a
 * constant.
 */
public final class Peak {

    /** One measurement: the best over rounds of GFLOP/s on one thread and on {@code threads} threads together. */
    public record Result(String dtype, int lanes, int threads, double gflopsOneThread, double gflops) {
    }

    /** Each timed round lasts about this long, so timer resolution does not matter. */
    private static final double ROUND_SECONDS = 0.05;
    /** The longest the JIT is given to compile the probe (far more than it needs on an idle machine). */
    private static final double WARMUP_SECONDS = 10;

    private Peak() {
    }

    /** True when this JVM runs the Vector API (the launcher and the tests load it). */
    public static boolean available() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * Measures the peak of {@code dtype} ("f64" or "f32") on one thread and on {@code threads}
     * threads at once; each figure is the best of {@code rounds} rounds of at least 25 ms ({@link
     * #best}) after warm-up rounds that let the JIT compile the loop.
     *
     * @throws IllegalStateException when the Vector API is not loaded
     */
    public static Result measure(String dtype, int threads, int rounds) {
        boolean f32 = switch (dtype) {
            case "f64" -> false;
            case "f32" -> true;
            default -> throw new IllegalArgumentException("dtype must be f64 or f32, got " + dtype);
        };
        if (threads < 1 || rounds < 1) {
            throw new IllegalArgumentException("threads and rounds must be >= 1, got " + threads + ", " + rounds);
        }
        if (!available()) {
            throw new IllegalStateException("the peak probe needs the Vector API (--add-modules jdk.incubator.vector)");
        }
        int lanes = VectorPeak.lanes(f32);
        double flopsPerIteration = 2.0 * VectorPeak.CHAINS * lanes;
        // Warm-up: until C2 has compiled the loop it runs boxed, hundreds of times slower. Short calls
        // until the rate has not improved for a while (compiled), at most WARMUP_SECONDS.
        long shortCall = 1_000;
        double bestRate = 0;
        int lastGain = 0;
        long warmupStart = System.nanoTime();
        for (int i = 0; i - lastGain < 300 && System.nanoTime() - warmupStart < WARMUP_SECONDS * 1e9; i++) {
            double rate = shortCall / time(f32, shortCall);
            if (rate > 1.1 * bestRate) {
                bestRate = rate;
                lastGain = i;
            }
        }
        long perRound = Math.max(1, (long) (bestRate * ROUND_SECONDS));
        double one = best(rounds, perRound, flopsPerIteration, n -> time(f32, n));
        double all = one;
        if (threads > 1) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                allRound(pool, f32, threads, perRound); // warms the pool's threads
                all = best(rounds, perRound, threads * flopsPerIteration, n -> allRound(pool, f32, threads, n));
            } finally {
                pool.shutdown();
            }
        }
        return new Result(dtype, lanes, threads, one, all);
    }

    /**
     * GFLOP/s, the best of {@code rounds} rounds of {@code iterations} iterations per thread. A round
     * that ends in under half of {@link #ROUND_SECONDS} is not counted and the rounds are lengthened:
     * when C2 compiled the loop only after the warm-up had settled (its queue still long from the
     * kernels' warm-ups), the warm-up's rate was the intermediate code's, rounds lasted 0.6 ms
     * instead of 50, and the two-thread float64 figure, paying the pool's hand-off in each round,
     * read 100-192 GFLOP/s instead of about 210 (in 5 runs of 27 here).
     *
     * @param flops flops of one iteration on every thread together
     * @param seconds runs a round of the given iterations per thread and returns its seconds
     */
    static double best(int rounds, long iterations, double flops, LongToDoubleFunction seconds) {
        double best = 0;
        // At least doubling each time, a round reaches 25 ms within a few lengthenings; the cap only
        // keeps a clock that never advances from looping for ever (the figure is then 0).
        for (int counted = 0, lengthened = 0; counted < rounds && lengthened < 40; ) {
            double t = seconds.applyAsDouble(iterations);
            if (t < ROUND_SECONDS / 2) {
                iterations = Math.min(Long.MAX_VALUE / 4,
                        Math.max(2 * iterations, (long) (iterations * ROUND_SECONDS / Math.max(t, 1e-6))));
                lengthened++;
                continue;
            }
            best = Math.max(best, iterations * flops / t / 1e9);
            counted++;
        }
        return best;
    }

    /** Seconds for {@code threads} threads of the pool to run the probe at once, {@code iterations} each. */
    private static double allRound(ExecutorService pool, boolean f32, int threads, long iterations) {
        long start = System.nanoTime();
        List<Future<Double>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            parts.add(pool.submit(() -> VectorPeak.run(f32, iterations)));
        }
        try {
            for (Future<Double> f : parts) {
                sink(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the peak", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the peak probe failed", e.getCause());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static volatile double blackhole;

    private static void sink(double v) {
        blackhole += v;
    }

    private static double time(boolean f32, long iterations) {
        long start = System.nanoTime();
        sink(VectorPeak.run(f32, iterations));
        return (System.nanoTime() - start) / 1e9;
    }
}
