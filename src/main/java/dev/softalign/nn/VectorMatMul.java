package dev.softalign.nn;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import org.ojalgo.matrix.store.R064Store;

/**
 * Blocked float64 GEMM on the incubating Vector API, in the BLIS layout: op(b) is packed into
 * KC x NR micro-panels, op(a) into MR x KC micro-panels (so all four transpose cases meet the same
 * contiguous, zero-padded layout), and a register-blocked micro-kernel keeps an MR x NR tile of c in
 * vector accumulators.
 *
 * <p>A product uses at most {@link #threads()} threads: the calling thread and threads - 1 pool
 * workers, which park while idle. Whoever owns the work (a command, a sweep cell) chooses the
 * count; the kernel never guesses.
 *
 * <p>Results are bit-for-bit deterministic: every element of c is computed by the same tile of the
 * same global MR x NR grid with the same k-blocking, whichever thread runs it, so neither thread
 * timing nor the thread count changes a single bit.
 */
public final class VectorMatMul implements MatMul {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** Micro-tile: 2 vectors of rows by 12 columns is 24 accumulators, leaving registers for a and b. */
    static final int MR = 2 * VL;
    static final int NR = 12;
    /** k-block: a KC x NR panel of b (24 KiB) stays in L1 while the kernel sweeps the a block. */
    static final int KC = 256;
    /** m-block: an MC x KC block of a (about 0.5 MiB) stays in L2. */
    static final int MC = roundUp(256, MR);
    /** n-block: bounds the packed-b buffer (KC x NC, 2 MiB). */
    static final int NC = roundUp(1024, NR);
    /**
     * Below this many flops a second thread costs more than it saves. Measured with the earlier
     * spinning helper (64^3, 0.5 MFLOP, gained 1.3x; 48^3 broke even); a parked worker takes longer
     * to wake, so with the pool the break-even lies higher: a threshold to re-measure on a quiet
     * machine (the products' bits do not depend on it).
     */
    static final double PARALLEL_FLOPS = 5e5;
    /** Idle pool workers exit after this long, so a kernel nobody uses any more leaves no threads behind. */
    private static final long KEEP_ALIVE_SECONDS = 5;

    /** Per-thread packing buffers, allocated once and reused by every call on that thread. */
    private static final ThreadLocal<double[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new double[][] {new double[MC * KC], new double[KC * NC], new double[MR * NR]});
    /** Per calling thread: its product and its reusable parts, so a training step allocates nothing. */
    private static final ThreadLocal<Call> CALLS = ThreadLocal.withInitial(Call::new);
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    /** threads - 1 workers (null for one thread); the calling thread computes the first part itself. */
    private final ForkJoinPool pool;
    /** Names this kernel's worker threads: prefix + index. */
    private final String namePrefix;

    /** @param threads how many threads share one product: the caller plus threads - 1 pool workers */
    public VectorMatMul(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("kernel threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.namePrefix = "softalign-kernel-" + POOLS.incrementAndGet() + "-";
        this.pool = threads == 1 ? null : newPool(threads - 1, namePrefix);
    }

    private static ForkJoinPool newPool(int workers, String name) {
        ForkJoinPool.ForkJoinWorkerThreadFactory factory = p -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setName(name + t.getPoolIndex());
            return t;
        };
        return new ForkJoinPool(workers, factory, null, false, 0, workers, 1, null, KEEP_ALIVE_SECONDS,
                TimeUnit.SECONDS);
    }

    @Override
    public String name() {
        return "vector";
    }

    /** The prefix of this kernel's worker thread names (tests and thread dumps). */
    String threadNamePrefix() {
        return namePrefix;
    }

    /** The pool of workers, null for one thread (tests). */
    ForkJoinPool pool() {
        return pool;
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public String toString() {
        return "vector x" + threads;
    }

    @Override
    public void multiply(R064Store a, boolean transposeA, R064Store b, boolean transposeB, R064Store c) {
        MatMul.checkShapes(a, transposeA, b, transposeB, c);
        int m = c.getRowDim();
        int n = c.getColDim();
        int k = transposeA ? a.getRowDim() : a.getColDim();
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            java.util.Arrays.fill(c.data, 0, m * n, 0.0);
            return;
        }
        Call call = CALLS.get();
        Product p = call.product.set(a.data, transposeA, b.data, transposeB, c.data, m, n, k);
        int parts = 2.0 * m * n * k < PARALLEL_FLOPS ? 1 : threads;
        // Split the larger of m and n, so the operand every thread packs in full is the smaller one.
        boolean splitRows = m >= n;
        int tiles = splitRows ? ceilDiv(m, MR) : ceilDiv(n, NR);
        parts = Math.min(parts, tiles);
        if (parts == 1) {
            p.run(0, m, 0, n);
            return;
        }
        Part[] jobs = call.parts(parts);
        for (int t = 0; t < parts; t++) {
            jobs[t].set(p, splitRows, (int) ((long) tiles * t / parts), (int) ((long) tiles * (t + 1) / parts));
        }
        // Parts 1.. go to the pool, the caller computes part 0, then waits (parked) for the rest.
        for (int t = 1; t < parts; t++) {
            jobs[t].reinitialize();
            pool.execute(jobs[t]);
        }
        try {
            jobs[0].compute();
        } finally {
            // Even if a part failed, every part must finish before this thread reuses them.
            for (int t = 1; t < parts; t++) {
                jobs[t].quietlyJoin();
            }
        }
        for (int t = 1; t < parts; t++) {
            if (jobs[t].isCompletedAbnormally()) {
                throw new IllegalStateException("matrix product failed in a kernel thread", jobs[t].getException());
            }
        }
    }

    /** A calling thread's product and parts. */
    private static final class Call {

        final Product product = new Product();
        private Part[] parts = new Part[0];

        Part[] parts(int count) {
            if (parts.length < count) {
                Part[] grown = java.util.Arrays.copyOf(parts, count);
                for (int t = parts.length; t < count; t++) {
                    grown[t] = new Part();
                }
                parts = grown;
            }
            return parts;
        }
    }

    /** Tiles [lo, hi) of the split dimension. Boundaries sit on the global tile grid, so results do not depend on parts. */
    private static final class Part extends RecursiveAction {

        private Product p;
        private boolean splitRows;
        private int lo;
        private int hi;

        void set(Product p, boolean splitRows, int lo, int hi) {
            this.p = p;
            this.splitRows = splitRows;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (splitRows) {
                p.run(lo * MR, Math.min(p.m(), hi * MR), 0, p.n());
            } else {
                p.run(0, p.m(), lo * NR, Math.min(p.n(), hi * NR));
            }
        }
    }

    /** One product; {@link #run} computes the block c[i0:i1, j0:j1] with the calling thread's buffers. */
    private static final class Product {

        private double[] a;
        private boolean ta;
        private double[] b;
        private boolean tb;
        private double[] c;
        private int m;
        private int n;
        private int k;

        Product set(double[] a, boolean ta, double[] b, boolean tb, double[] c, int m, int n, int k) {
            this.a = a;
            this.ta = ta;
            this.b = b;
            this.tb = tb;
            this.c = c;
            this.m = m;
            this.n = n;
            this.k = k;
            return this;
        }

        int m() {
            return m;
        }

        int n() {
            return n;
        }

        void run(int i0, int i1, int j0, int j1) {
            double[][] buffers = BUFFERS.get();
            double[] ap = buffers[0];
            double[] bp = buffers[1];
            double[] tile = buffers[2];
            for (int jc = j0; jc < j1; jc += NC) {
                int nc = Math.min(NC, j1 - jc);
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    boolean accumulate = pc > 0;
                    packB(bp, pc, kc, jc, nc);
                    for (int ic = i0; ic < i1; ic += MC) {
                        int mc = Math.min(MC, i1 - ic);
                        packA(ap, ic, mc, pc, kc);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            for (int ir = 0; ir < mc; ir += MR) {
                                int mr = Math.min(MR, mc - ir);
                                int cOff = (ic + ir) + (jc + jr) * m;
                                if (mr == MR && nr == NR) {
                                    kernel(ap, ir * kc, bp, jr * kc, kc, c, cOff, m, accumulate);
                                } else {
                                    // Edge tile: same kernel (same arithmetic) into a scratch tile, then copy.
                                    kernel(ap, ir * kc, bp, jr * kc, kc, tile, 0, MR, false);
                                    for (int j = 0; j < nr; j++) {
                                        for (int i = 0; i < mr; i++) {
                                            int ci = cOff + i + j * m;
                                            c[ci] = accumulate ? c[ci] + tile[i + j * MR] : tile[i + j * MR];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /** Packs op(a)[ic:ic+mc, pc:pc+kc] as MR-row micro-panels, p-major, zero-padded to MR rows. */
        private void packA(double[] ap, int ic, int mc, int pc, int kc) {
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int base = ir * kc;
                int row0 = ic + ir;
                if (!ta) {
                    // a is m x k column-major: each p gives mr contiguous values.
                    for (int p = 0; p < kc; p++) {
                        int src = row0 + (pc + p) * m;
                        int dst = base + p * MR;
                        if (mr == MR) {
                            for (int v = 0; v < MR; v += VL) {
                                DoubleVector.fromArray(S, a, src + v).intoArray(ap, dst + v);
                            }
                        } else {
                            System.arraycopy(a, src, ap, dst, mr);
                            java.util.Arrays.fill(ap, dst + mr, dst + MR, 0.0);
                        }
                    }
                } else {
                    // a is k x m column-major: row i of op(a) is column i of a, contiguous in p.
                    for (int i = 0; i < mr; i++) {
                        int src = pc + (row0 + i) * k;
                        int dst = base + i;
                        for (int p = 0; p < kc; p++) {
                            ap[dst + p * MR] = a[src + p];
                        }
                    }
                    for (int i = mr; i < MR; i++) {
                        for (int p = 0; p < kc; p++) {
                            ap[base + i + p * MR] = 0.0;
                        }
                    }
                }
            }
        }

        /** Packs op(b)[pc:pc+kc, jc:jc+nc] as NR-column micro-panels, p-major, zero-padded to NR columns. */
        private void packB(double[] bp, int pc, int kc, int jc, int nc) {
            for (int jr = 0; jr < nc; jr += NR) {
                int nr = Math.min(NR, nc - jr);
                int base = jr * kc;
                int col0 = jc + jr;
                if (!tb) {
                    // b is k x n column-major: column j of op(b) is contiguous in p.
                    for (int j = 0; j < nr; j++) {
                        int src = pc + (col0 + j) * k;
                        int dst = base + j;
                        for (int p = 0; p < kc; p++) {
                            bp[dst + p * NR] = b[src + p];
                        }
                    }
                    for (int j = nr; j < NR; j++) {
                        for (int p = 0; p < kc; p++) {
                            bp[base + j + p * NR] = 0.0;
                        }
                    }
                } else {
                    // b is n x k column-major: each p gives nr contiguous values of op(b)'s row p.
                    for (int p = 0; p < kc; p++) {
                        int src = col0 + (pc + p) * n;
                        int dst = base + p * NR;
                        System.arraycopy(b, src, bp, dst, nr);
                        if (nr < NR) {
                            java.util.Arrays.fill(bp, dst + nr, dst + NR, 0.0);
                        }
                    }
                }
            }
        }
    }

    /**
     * c[0:MR, 0:NR] (leading dimension ldc) = or += the product of one packed a micro-panel and one
     * packed b micro-panel over kc. The tile starts at zero and is added to c once at the end, so a
     * full tile and an edge tile (via scratch) perform identical arithmetic per element.
     */
    private static void kernel(double[] ap, int aOff, double[] bp, int bOff, int kc,
                               double[] c, int cOff, int ldc, boolean accumulate) {
        // Plain locals throughout, no helper taking vectors: an earlier 24x8 version with a store
        // helper was boxed by C2 (JDK 17) and allocated on every k step, running 15x slower.
        DoubleVector c00 = DoubleVector.broadcast(S, 0.0), c10 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c01 = DoubleVector.broadcast(S, 0.0), c11 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c02 = DoubleVector.broadcast(S, 0.0), c12 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c03 = DoubleVector.broadcast(S, 0.0), c13 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c04 = DoubleVector.broadcast(S, 0.0), c14 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c05 = DoubleVector.broadcast(S, 0.0), c15 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c06 = DoubleVector.broadcast(S, 0.0), c16 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c07 = DoubleVector.broadcast(S, 0.0), c17 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c08 = DoubleVector.broadcast(S, 0.0), c18 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c09 = DoubleVector.broadcast(S, 0.0), c19 = DoubleVector.broadcast(S, 0.0);
        DoubleVector c0a = DoubleVector.broadcast(S, 0.0), c1a = DoubleVector.broadcast(S, 0.0);
        DoubleVector c0b = DoubleVector.broadcast(S, 0.0), c1b = DoubleVector.broadcast(S, 0.0);
        for (int p = 0; p < kc; p++) {
            DoubleVector a0 = DoubleVector.fromArray(S, ap, aOff);
            DoubleVector a1 = DoubleVector.fromArray(S, ap, aOff + VL);
            DoubleVector b0 = DoubleVector.broadcast(S, bp[bOff + 0]);
            c00 = a0.fma(b0, c00); c10 = a1.fma(b0, c10);
            DoubleVector b1 = DoubleVector.broadcast(S, bp[bOff + 1]);
            c01 = a0.fma(b1, c01); c11 = a1.fma(b1, c11);
            DoubleVector b2 = DoubleVector.broadcast(S, bp[bOff + 2]);
            c02 = a0.fma(b2, c02); c12 = a1.fma(b2, c12);
            DoubleVector b3 = DoubleVector.broadcast(S, bp[bOff + 3]);
            c03 = a0.fma(b3, c03); c13 = a1.fma(b3, c13);
            DoubleVector b4 = DoubleVector.broadcast(S, bp[bOff + 4]);
            c04 = a0.fma(b4, c04); c14 = a1.fma(b4, c14);
            DoubleVector b5 = DoubleVector.broadcast(S, bp[bOff + 5]);
            c05 = a0.fma(b5, c05); c15 = a1.fma(b5, c15);
            DoubleVector b6 = DoubleVector.broadcast(S, bp[bOff + 6]);
            c06 = a0.fma(b6, c06); c16 = a1.fma(b6, c16);
            DoubleVector b7 = DoubleVector.broadcast(S, bp[bOff + 7]);
            c07 = a0.fma(b7, c07); c17 = a1.fma(b7, c17);
            DoubleVector b8 = DoubleVector.broadcast(S, bp[bOff + 8]);
            c08 = a0.fma(b8, c08); c18 = a1.fma(b8, c18);
            DoubleVector b9 = DoubleVector.broadcast(S, bp[bOff + 9]);
            c09 = a0.fma(b9, c09); c19 = a1.fma(b9, c19);
            DoubleVector ba = DoubleVector.broadcast(S, bp[bOff + 10]);
            c0a = a0.fma(ba, c0a); c1a = a1.fma(ba, c1a);
            DoubleVector bb = DoubleVector.broadcast(S, bp[bOff + 11]);
            c0b = a0.fma(bb, c0b); c1b = a1.fma(bb, c1b);
            aOff += MR;
            bOff += NR;
        }
        // Written out rather than via a helper taking vectors (see above).
        if (accumulate) {
            c00 = DoubleVector.fromArray(S, c, cOff).add(c00);
            c10 = DoubleVector.fromArray(S, c, cOff + VL).add(c10);
            c01 = DoubleVector.fromArray(S, c, cOff + ldc).add(c01);
            c11 = DoubleVector.fromArray(S, c, cOff + ldc + VL).add(c11);
            c02 = DoubleVector.fromArray(S, c, cOff + 2 * ldc).add(c02);
            c12 = DoubleVector.fromArray(S, c, cOff + 2 * ldc + VL).add(c12);
            c03 = DoubleVector.fromArray(S, c, cOff + 3 * ldc).add(c03);
            c13 = DoubleVector.fromArray(S, c, cOff + 3 * ldc + VL).add(c13);
            c04 = DoubleVector.fromArray(S, c, cOff + 4 * ldc).add(c04);
            c14 = DoubleVector.fromArray(S, c, cOff + 4 * ldc + VL).add(c14);
            c05 = DoubleVector.fromArray(S, c, cOff + 5 * ldc).add(c05);
            c15 = DoubleVector.fromArray(S, c, cOff + 5 * ldc + VL).add(c15);
            c06 = DoubleVector.fromArray(S, c, cOff + 6 * ldc).add(c06);
            c16 = DoubleVector.fromArray(S, c, cOff + 6 * ldc + VL).add(c16);
            c07 = DoubleVector.fromArray(S, c, cOff + 7 * ldc).add(c07);
            c17 = DoubleVector.fromArray(S, c, cOff + 7 * ldc + VL).add(c17);
            c08 = DoubleVector.fromArray(S, c, cOff + 8 * ldc).add(c08);
            c18 = DoubleVector.fromArray(S, c, cOff + 8 * ldc + VL).add(c18);
            c09 = DoubleVector.fromArray(S, c, cOff + 9 * ldc).add(c09);
            c19 = DoubleVector.fromArray(S, c, cOff + 9 * ldc + VL).add(c19);
            c0a = DoubleVector.fromArray(S, c, cOff + 10 * ldc).add(c0a);
            c1a = DoubleVector.fromArray(S, c, cOff + 10 * ldc + VL).add(c1a);
            c0b = DoubleVector.fromArray(S, c, cOff + 11 * ldc).add(c0b);
            c1b = DoubleVector.fromArray(S, c, cOff + 11 * ldc + VL).add(c1b);
        }
        c00.intoArray(c, cOff); c10.intoArray(c, cOff + VL);
        c01.intoArray(c, cOff + ldc); c11.intoArray(c, cOff + ldc + VL);
        c02.intoArray(c, cOff + 2 * ldc); c12.intoArray(c, cOff + 2 * ldc + VL);
        c03.intoArray(c, cOff + 3 * ldc); c13.intoArray(c, cOff + 3 * ldc + VL);
        c04.intoArray(c, cOff + 4 * ldc); c14.intoArray(c, cOff + 4 * ldc + VL);
        c05.intoArray(c, cOff + 5 * ldc); c15.intoArray(c, cOff + 5 * ldc + VL);
        c06.intoArray(c, cOff + 6 * ldc); c16.intoArray(c, cOff + 6 * ldc + VL);
        c07.intoArray(c, cOff + 7 * ldc); c17.intoArray(c, cOff + 7 * ldc + VL);
        c08.intoArray(c, cOff + 8 * ldc); c18.intoArray(c, cOff + 8 * ldc + VL);
        c09.intoArray(c, cOff + 9 * ldc); c19.intoArray(c, cOff + 9 * ldc + VL);
        c0a.intoArray(c, cOff + 10 * ldc); c1a.intoArray(c, cOff + 10 * ldc + VL);
        c0b.intoArray(c, cOff + 11 * ldc); c1b.intoArray(c, cOff + 11 * ldc + VL);
    }


    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
