package dev.softalign.nn;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

import org.ojalgo.matrix.store.R064Store;

/**
 * Blocked GEMM on the incubating Vector API, in the BLIS layout, in float64 ({@link Dtype#F64}) or
 * float32 ({@link Dtype#F32}, {@link FloatProduct}: twice the lanes per register): op(b) is packed into
 * KC x NR micro-panels, op(a) into MR x KC micro-panels (so all four transpose cases meet the same
 * contiguous, zero-padded layout), and a register-blocked micro-kernel keeps an MR x NR tile of c in
 * vector accumulators.
 *
 * <p>A product uses at most {@link #threads()} threads: the calling thread and threads - 1 helper
 * threads, which park while idle. Whoever owns the work (a command, a sweep cell) chooses the
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
     * to wake, so with parked helpers the break-even lies higher: a threshold to re-measure on a quiet
     * machine (the products' bits do not depend on it).
     */
    static final double PARALLEL_FLOPS = 5e5;
    /** Per-thread packing buffers, allocated once and reused by every call on that thread. */
    private static final ThreadLocal<double[][]> BUFFERS =
            ThreadLocal.withInitial(() -> new double[][] {new double[MC * KC], new double[KC * NC], new double[MR * NR]});
    /** Per calling thread: its product and its reusable parts, so a training step allocates nothing. */
    private static final ThreadLocal<Call> CALLS = ThreadLocal.withInitial(Call::new);
    private static final AtomicInteger KERNELS = new AtomicInteger();
    /** Stops a kernel's helpers once nothing references the kernel. */
    private static final Cleaner CLEANER = Cleaner.create();

    private final int threads;
    private final Dtype dtype;
    /** threads - 1 helpers (null for one thread); the calling thread computes the first part itself. */
    private final Team team;
    /** Names this kernel's helper threads: prefix + index. */
    private final String namePrefix;
    /**
     * Whether this kernel's first large product ({@link #WAIT_FLOPS}) has waited for its precision's
     * warm-up. Until C2 has compiled the kernel, a product runs the JIT's boxed stand-in, tens of
     * times slower, on a core the compiler needs: a training run's start-up (train --epochs 0, full
     * Fashion-MNIST, float32, 2 cores) took 2.1-3.8 s that way, 1.8-3.2 s waiting for the warm-up.
     */
    private volatile boolean compiled;

    /** A float64 kernel; @param threads how many threads share one product: the caller plus threads - 1 helpers */
    public VectorMatMul(int threads) {
        this(threads, Dtype.F64);
    }

    /**
     * @param threads how many threads share one product: the caller plus threads - 1 helpers
     * @param dtype the precision products are computed in
     */
    public VectorMatMul(int threads, Dtype dtype) {
        if (threads < 1) {
            throw new IllegalArgumentException("kernel threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.dtype = java.util.Objects.requireNonNull(dtype, "dtype");
        this.namePrefix = "softalign-kernel-" + KERNELS.incrementAndGet() + "-";
        this.team = threads == 1 ? null : new Team(threads - 1, namePrefix);
        if (team != null) {
            Team t = team; // the cleaning action must not reach this kernel
            CLEANER.register(this, t::stop);
        }
    }

    @Override
    public String name() {
        return dtype == Dtype.F64 ? "vector" : "vector-" + dtype.id();
    }

    @Override
    public Dtype dtype() {
        return dtype;
    }

    /** The prefix of this kernel's helper thread names (tests and thread dumps). */
    String threadNamePrefix() {
        return namePrefix;
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public String toString() {
        return name() + " x" + threads;
    }

    /**
     * Products from this size wait for the warm-up ({@link #compiled}): about 10 ms of boxed
     * arithmetic each. Smaller ones run whatever code the JIT has, so a command made of them (a
     * width-8 network on synthetic data, 1 s in all) does not wait 1-2 s for a warm-up it hardly
     * needs.
     */
    static final double WAIT_FLOPS = 1e7;

    /** Before a product of this many flops: waits, once per kernel, for its precision's warm-up to end (see {@link #compiled}). */
    private void awaitCompiled(double flops) {
        if (!compiled && flops >= WAIT_FLOPS) {
            Kernels.awaitWarmUp(dtype);
            compiled = true;
        }
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
        double flops = 2.0 * m * n * k;
        awaitCompiled(flops);
        Call call = CALLS.get();
        Blocks p = call.blocks(dtype).set(a.data, transposeA, b.data, transposeB, c.data, m, n, k);
        int parts = parts(flops);
        // Split the larger of m and n, so the operand every thread packs in full is the smaller one.
        boolean splitRows = m >= n;
        int tiles = splitRows ? ceilDiv(m, p.mr()) : ceilDiv(n, NR);
        parts = Math.min(parts, tiles);
        // Another caller holding the helpers, or a part of this kernel's forEachPart, computes its
        // product alone: the tiles, hence the bits, are the same.
        if (parts == 1 || team.lock.isHeldByCurrentThread() || !team.lock.tryLock()) {
            p.run(0, m, 0, n);
            return;
        }
        try {
            Part[] jobs = call.parts(parts);
            for (int t = 0; t < parts; t++) {
                jobs[t].set(p, splitRows, (int) ((long) tiles * t / parts), (int) ((long) tiles * (t + 1) / parts));
            }
            team.run(jobs, parts);
        } finally {
            team.lock.unlock();
        }
    }

    @Override
    public void multiplyColumns(R064Store a, boolean transposeA, R064Store b, boolean transposeB, R064Store c,
                                int from, int to) {
        MatMul.checkShapes(a, transposeA, b, transposeB, c);
        int m = c.getRowDim();
        int n = c.getColDim();
        int k = transposeA ? a.getRowDim() : a.getColDim();
        if (from < 0 || to > n || from > to) {
            throw new IllegalArgumentException("columns " + from + ".." + to + " are not within 0.." + n);
        }
        if (m == 0 || from == to) {
            return;
        }
        if (k == 0) {
            java.util.Arrays.fill(c.data, from * m, to * m, 0.0);
            return;
        }
        awaitCompiled(2.0 * m * (to - from) * k);
        // Each element of c is one chain of k-blocks whatever tile computes it, so a column range
        // gets the bits the whole product gives those columns.
        CALLS.get().blocks(dtype).set(a.data, transposeA, b.data, transposeB, c.data, m, n, k).run(0, m, from, to);
    }

    @Override
    public int parts(double flops) {
        return flops < PARALLEL_FLOPS ? 1 : threads;
    }

    @Override
    public void forEachPart(int parts, IntConsumer part) {
        if (parts < 1 || parts > threads) {
            throw new IllegalArgumentException("parts must be within 1.." + threads + ", got " + parts);
        }
        // Nested (a part cutting its work again) or beside another caller: all parts here, in order.
        if (parts == 1 || team.lock.isHeldByCurrentThread() || !team.lock.tryLock()) {
            for (int t = 0; t < parts; t++) {
                part.accept(t);
            }
            return;
        }
        try {
            Indexed[] jobs = CALLS.get().indexed(parts);
            for (int t = 0; t < parts; t++) {
                jobs[t].set(part, t);
            }
            team.run(jobs, parts);
        } finally {
            team.lock.unlock();
        }
    }

    /** Part t of a forEachPart. */
    private static final class Indexed implements Runnable {

        private IntConsumer part;
        private int t;

        void set(IntConsumer part, int t) {
            this.part = part;
            this.t = t;
        }

        @Override
        public void run() {
            part.accept(t);
        }
    }

    /** A calling thread's product and parts. */
    private static final class Call {

        final Product product = new Product();
        private FloatProduct floatProduct;
        private Part[] parts = new Part[0];
        private Indexed[] indexed = new Indexed[0];

        /** Made on first use: a thread that only multiplies in float64 holds no float32 buffers. */
        FloatProduct floatProduct() {
            if (floatProduct == null) {
                floatProduct = new FloatProduct();
            }
            return floatProduct;
        }

        Blocks blocks(Dtype dtype) {
            return dtype == Dtype.F64 ? product : floatProduct();
        }

        Indexed[] indexed(int count) {
            indexed = atLeast(indexed, count, Indexed::new);
            return indexed;
        }

        Part[] parts(int count) {
            parts = atLeast(parts, count, Part::new);
            return parts;
        }

        /** jobs, grown to count with new ones if shorter: a thread's jobs are made once and reused. */
        private static <T> T[] atLeast(T[] jobs, int count, java.util.function.Supplier<T> make) {
            if (jobs.length >= count) {
                return jobs;
            }
            T[] grown = java.util.Arrays.copyOf(jobs, count);
            for (int t = jobs.length; t < count; t++) {
                grown[t] = make.get();
            }
            return grown;
        }
    }

    /** Tiles [lo, hi) of the split dimension. Boundaries sit on the global tile grid, so results do not depend on parts. */
    private static final class Part implements Runnable {

        private Blocks p;
        private boolean splitRows;
        private int lo;
        private int hi;

        void set(Blocks p, boolean splitRows, int lo, int hi) {
            this.p = p;
            this.splitRows = splitRows;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        public void run() {
            if (splitRows) {
                p.run(lo * p.mr(), Math.min(p.m(), hi * p.mr()), 0, p.n());
            } else {
                p.run(0, p.m(), lo * NR, Math.min(p.n(), hi * NR));
            }
        }
    }

    /**
     * Helper threads that park whenever they have no job. The caller hands part t to helper t - 1,
     * computes part 0, then takes back any part no helper has started (a busy machine) and parks
     * until the started ones finish; whoever computes a part, the same code computes the same
     * tiles. (A ForkJoinPool measured as fast, but under load one lost its only worker with a part
     * still queued, on JDK 17.0.15: the caller parked for good. These threads never exit early.)
     */
    private static final class Team {

        final ReentrantLock lock = new ReentrantLock();
        private final Helper[] helpers;

        Team(int size, String prefix) {
            helpers = new Helper[size];
            for (int i = 0; i < size; i++) {
                helpers[i] = new Helper(prefix + i);
                helpers[i].start();
            }
        }

        /** Runs the parts; the caller holds the lock. */
        void run(Runnable[] jobs, int parts) {
            Thread caller = Thread.currentThread();
            for (int t = 1; t < parts; t++) {
                helpers[t - 1].submit(jobs[t], caller);
            }
            try {
                jobs[0].run();
            } finally {
                // Even if our part failed, every helper must be done before the parts are reused.
                for (int t = 1; t < parts; t++) {
                    helpers[t - 1].await();
                }
            }
            for (int t = 1; t < parts; t++) {
                helpers[t - 1].rethrow();
            }
        }

        void stop() {
            for (Helper h : helpers) {
                h.stopped = true;
                LockSupport.unpark(h);
            }
        }
    }

    private static final class Helper extends Thread {

        private final AtomicReference<Runnable> job = new AtomicReference<>();
        private Runnable submitted; // caller side only
        private volatile Thread waiter;
        private volatile boolean done = true;
        private volatile Throwable failure;
        volatile boolean stopped;

        Helper(String name) {
            super(name);
            setDaemon(true);
        }

        void submit(Runnable r, Thread caller) {
            failure = null;
            done = false;
            waiter = caller;
            submitted = r;
            job.set(r);
            LockSupport.unpark(this);
        }

        /** Runs the job here if the helper has not claimed it, else parks until the helper has finished it. */
        void await() {
            if (job.compareAndSet(submitted, null)) {
                done = true;
                submitted.run();
                return;
            }
            while (!done) {
                LockSupport.park(this);
            }
        }

        void rethrow() {
            if (failure != null) {
                throw new IllegalStateException("a part of a product or pass failed in a kernel thread", failure);
            }
        }

        @Override
        public void run() {
            while (!stopped) {
                Runnable r = job.getAndSet(null);
                if (r == null) {
                    LockSupport.park(this);
                    continue;
                }
                try {
                    r.run();
                } catch (Throwable e) {
                    failure = e;
                }
                done = true;
                LockSupport.unpark(waiter);
            }
        }
    }

    /**
     * One product of one precision, cut into tiles of a global mr() x NR grid; {@link #run}
     * computes the block c[i0:i1, j0:j1] with the calling thread's buffers.
     */
    abstract static class Blocks {

        double[] a;
        boolean ta;
        double[] b;
        boolean tb;
        double[] c;
        int m;
        int n;
        int k;

        Blocks set(double[] a, boolean ta, double[] b, boolean tb, double[] c, int m, int n, int k) {
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

        /** Rows of a micro-tile: the split grid's row step. */
        abstract int mr();

        abstract void run(int i0, int i1, int j0, int j1);
    }

    /** A float64 product. */
    private static final class Product extends Blocks {

        @Override
        int mr() {
            return MR;
        }

        @Override
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


    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }
}
