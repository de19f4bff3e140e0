package dev.softalign.nn;

import java.util.function.IntConsumer;
import org.ojalgo.matrix.store.R064Store;

/**
 * The one seam every hot matrix product goes through: forward, backward, Hessian-vector
 * products and attacks. Matrices are ojalgo {@link R064Store}s, column-major; transposes are
 * flags, never copies.
 *
 * <p>A kernel's thread count is a budget its owner sets: a command uses all cores
 * ({@link #get}), a sweep gives each of its concurrent cells {@code cores / cells} threads
 * ({@link #withThreads}) and hands each cell's kernel to that cell's network. The thread count
 * never changes a bit of the result.
 *
 * <p>The same threads serve work cut coarser than one product ({@link #forEachPart}): a pass over
 * a batch cuts its samples among them once and runs every layer's products on its own columns
 * ({@link #multiplyColumns}), so a training step hands work to the helpers a few times instead of
 * once per product, and the elementwise passes between products run in parallel too.
 *
 * <p>A kernel computes in one {@link Dtype}: float64 by default, or float32 ({@link #get(Dtype)},
 * {@link #withThreads(int, Dtype)}), which rounds op(a) and op(b) to float32, sums in float32 and
 * leaves float32 values in c. Each precision has its own determinism guarantee: the same bits
 * whatever the thread count.
 */
public interface MatMul {

    /** c = op(a) * op(b); c is overwritten and must not alias a or b. */
    void multiply(R064Store a, boolean transposeA, R064Store b, boolean transposeB, R064Store c);

    /**
     * Columns [from, to) of c = op(a) * op(b), on the calling thread alone, each element the bits
     * {@link #multiply} gives it: for work its owner has already cut into {@link #forEachPart parts}.
     * This default serves kernels that never cut work ({@link #parts} is 1): only the whole range.
     */
    default void multiplyColumns(R064Store a, boolean transposeA, R064Store b, boolean transposeB, R064Store c,
                                 int from, int to) {
        if (from != 0 || to != c.getColDim()) {
            throw new UnsupportedOperationException(name() + " computes whole products only, not columns "
                    + from + ".." + to + " of " + c.getColDim());
        }
        multiply(a, transposeA, b, transposeB, c);
    }

    /**
     * How many parts to cut work of this many flops into, for {@link #forEachPart}: 1 where a
     * second thread would cost more than it saves or this kernel runs on one, else {@link #threads}.
     */
    default int parts(double flops) {
        return 1;
    }

    /**
     * As {@link #parts(double)} for work of {@code units} independent pieces (samples, elements):
     * never more parts than pieces, and at least one.
     */
    default int parts(double flops, int units) {
        return Math.max(1, Math.min(units, parts(flops)));
    }

    /**
     * Runs {@code part.accept(t)} for every t in [0, parts), on this kernel's threads at once (the
     * caller runs part 0); returns when every part has run. For work cut coarser than one product
     * (a forward pass cut by samples): one hand-off per pass instead of one per product. A part's
     * products use {@link #multiplyColumns}; which thread runs a part never changes its bits.
     */
    default void forEachPart(int parts, IntConsumer part) {
        for (int t = 0; t < parts; t++) {
            part.accept(t);
        }
    }

    /** Start of part t of [0, n) cut into parts nearly equal ranges (the end is part t + 1's start). */
    static int partStart(int n, int parts, int t) {
        return (int) ((long) n * t / parts);
    }

    /** Short name for logs and benchmarks. */
    String name();

    /** How many threads one product may use, the caller included. */
    int threads();

    /** The precision products are computed in. */
    default Dtype dtype() {
        return Dtype.F64;
    }

    /**
     * This kernel's thread budget in the given precision: this kernel if it computes in it, the
     * command's kernel of that precision for the command's kernel, else a new kernel of as many threads.
     */
    default MatMul withDtype(Dtype dtype) {
        return Kernels.withDtype(this, dtype);
    }

    /**
     * The kernel for one command: the fastest this JVM runs, on all cores (or
     * {@code -Dsoftalign.threads=n}). The Vector API one when {@code jdk.incubator.vector} is
     * loaded (the launcher, tests and JShell pass the flag), the portable ojalgo one otherwise or
     * when {@code -Dsoftalign.kernel=portable} asks for it. Shared by everything that is given no
     * kernel of its own.
     */
    static MatMul get() {
        return Kernels.commandDefault(Dtype.F64);
    }

    /**
     * A new kernel of the same kind as {@link #get} that splits each product among {@code threads}
     * threads: the caller and {@code threads - 1} helper threads, parked while idle.
     */
    static MatMul withThreads(int threads) {
        return Kernels.withThreads(threads, Dtype.F64);
    }

    /** As {@link #get()}, computing in the given precision. */
    static MatMul get(Dtype dtype) {
        return Kernels.commandDefault(dtype);
    }

    /** As {@link #withThreads(int)}, computing in the given precision. */
    static MatMul withThreads(int threads, Dtype dtype) {
        return Kernels.withThreads(threads, dtype);
    }

    /**
     * Returns once the background compilation of this precision's vector kernel ({@link
     * KernelWarmUp}, started with the first kernel of the precision) has ended; at once if none
     * runs. For measurements of steady state, which would otherwise share the cores with it.
     */
    static void awaitWarmUp(Dtype dtype) {
        Kernels.awaitWarmUp(dtype);
    }

    /** The float64 kernel that runs on any JVM (ojalgo's multiply). */
    static MatMul portable() {
        return Kernels.PORTABLE;
    }

    /** The kernel of this precision that runs on any JVM; in float32, bit for bit the vector kernel's results. */
    static MatMul portable(Dtype dtype) {
        return dtype == Dtype.F64 ? Kernels.PORTABLE : Kernels.PORTABLE_F32;
    }

    /** Checks shapes once, so both kernels fail the same way. */
    static void checkShapes(R064Store a, boolean ta, R064Store b, boolean tb, R064Store c) {
        int m = ta ? a.getColDim() : a.getRowDim();
        int k = ta ? a.getRowDim() : a.getColDim();
        int kb = tb ? b.getColDim() : b.getRowDim();
        int n = tb ? b.getRowDim() : b.getColDim();
        if (k != kb || c.getRowDim() != m || c.getColDim() != n) {
            throw new IllegalArgumentException("matrix product shapes do not agree: op(a) is " + m + "x" + k
                    + ", op(b) is " + kb + "x" + n + ", c is " + c.getRowDim() + "x" + c.getColDim());
        }
    }
}
