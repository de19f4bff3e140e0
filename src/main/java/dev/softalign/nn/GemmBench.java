package dev.softalign.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.ojalgo.matrix.store.R064Store;

/**
 * GFLOP/s of a {@link MatMul} on the MLP's products. Returns rows rather than printing, so a
 * {@code bench} command can format them; {@link #main} prints portable vs vector for quick checks.
 */
public final class GemmBench {

    /** c(m x n) = op(a) * op(b) with inner dimension k. */
    public record Shape(String label, int m, int k, int n, boolean transposeA, boolean transposeB) {

        double flops() {
            return 2.0 * m * n * k;
        }
    }

    /** One measurement: the best (least disturbed) and median times over the timed repetitions. */
    public record Row(String kernel, Shape shape, double bestMillis, double medianMillis) {

        public double gflops() {
            return shape.flops() / (bestMillis * 1e6);
        }

        public double medianGflops() {
            return shape.flops() / (medianMillis * 1e6);
        }
    }

    /** The products of training a 784-256-256-10 MLP at batch 128, plus batch-1000 Hessian-vector variants. */
    public static List<Shape> mlpShapes() {
        List<Shape> shapes = new ArrayList<>();
        for (int batch : new int[] {128, 1000}) {
            String b = "@" + batch;
            shapes.add(new Shape("fwd W1*H " + b, 256, 784, batch, false, false));
            shapes.add(new Shape("fwd W2*H " + b, 256, 256, batch, false, false));
            shapes.add(new Shape("fwd W3*H " + b, 10, 256, batch, false, false));
            shapes.add(new Shape("grad D*H^T 784 " + b, 256, batch, 784, false, true));
            shapes.add(new Shape("grad D*H^T 256 " + b, 256, batch, 256, false, true));
            shapes.add(new Shape("back W^T*D 784 " + b, 784, 256, batch, true, false));
            shapes.add(new Shape("back W^T*D 256 " + b, 256, 256, batch, true, false));
        }
        return shapes;
    }

    /**
     * Square products large enough to run at the kernel's best (every core busy, packing amortised):
     * with the network's shapes, where "the best GEMM it reaches" is looked for.
     */
    public static List<Shape> squareShapes() {
        return List.of(new Shape("square 512", 512, 512, 512, false, false),
                new Shape("square 1024", 1024, 1024, 1024, false, false));
    }

    /**
     * Times {@code kernel} on each shape: warm-up calls first (JIT, buffers), then {@code reps} timed
     * batches of enough calls to last about {@code minMillis} each.
     */
    public static List<Row> run(MatMul kernel, List<Shape> shapes, int warmups, int reps, double minMillis) {
        Random rnd = new Random(42);
        List<Row> rows = new ArrayList<>();
        for (Shape s : shapes) {
            R064Store a = random(rnd, s.transposeA() ? s.k() : s.m(), s.transposeA() ? s.m() : s.k());
            R064Store b = random(rnd, s.transposeB() ? s.n() : s.k(), s.transposeB() ? s.k() : s.n());
            R064Store c = R064Store.FACTORY.make(s.m(), s.n());
            for (int i = 0; i < warmups; i++) {
                kernel.multiply(a, s.transposeA(), b, s.transposeB(), c);
            }
            // Enough calls per batch that timer resolution and the call loop do not matter.
            long t0 = System.nanoTime();
            kernel.multiply(a, s.transposeA(), b, s.transposeB(), c);
            double once = Math.max(1e-3, (System.nanoTime() - t0) / 1e6);
            int calls = (int) Math.max(1, Math.min(10_000, minMillis / once));
            double[] millis = new double[reps];
            for (int r = 0; r < reps; r++) {
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    kernel.multiply(a, s.transposeA(), b, s.transposeB(), c);
                }
                millis[r] = (System.nanoTime() - start) / 1e6 / calls;
            }
            Arrays.sort(millis);
            rows.add(new Row(kernel.name(), s, millis[0], millis[reps / 2]));
        }
        return rows;
    }

    public static List<Row> run(MatMul kernel) {
        return run(kernel, mlpShapes(), 20, 7, 50);
    }

    private static R064Store random(Random rnd, int rows, int cols) {
        R064Store x = R064Store.FACTORY.make(rows, cols);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = rnd.nextGaussian();
        }
        return x;
    }

    /** Prints best (and median) GFLOP/s of the portable and the default kernel side by side. */
    public static void main(String[] args) {
        List<MatMul> kernels = new ArrayList<>();
        kernels.add(MatMul.portable());
        if (MatMul.get() != MatMul.portable()) {
            kernels.add(MatMul.get());
        }
        if (args.length > 0 && kernels.size() > 1) {
            kernels.add(new VectorMatMul(1)); // "1" or any argument: also show the single-thread kernel
        }
        List<List<Row>> results = new ArrayList<>();
        for (MatMul k : kernels) {
            results.add(run(k));
        }
        System.out.printf("%-22s %5s %5s %5s %3s %3s", "shape", "m", "k", "n", "tA", "tB");
        for (int i = 0; i < kernels.size(); i++) {
            String name = kernels.get(i).name() + (i == 2 ? "x1" : "");
            System.out.printf(" %16s", name + " best/med");
        }
        System.out.println("   GFLOP/s");
        for (int r = 0; r < results.get(0).size(); r++) {
            Shape s = results.get(0).get(r).shape();
            System.out.printf("%-22s %5d %5d %5d %3s %3s", s.label(), s.m(), s.k(), s.n(),
                    s.transposeA() ? "T" : "", s.transposeB() ? "T" : "");
            for (List<Row> rows : results) {
                Row row = rows.get(r);
                System.out.printf(" %16s", String.format("%6.1f / %6.1f", row.gflops(), row.medianGflops()));
            }
            System.out.println();
        }
    }
}
