package dev.softalign.cli;

import dev.softalign.data.Dataset;
import dev.softalign.data.Datasets;
import dev.softalign.analysis.Hessian;
import dev.softalign.attack.GradientSource;
import dev.softalign.attack.Norm;
import dev.softalign.attack.Pgd;
import dev.softalign.data.Split;
import dev.softalign.experiment.Cell;
import dev.softalign.experiment.CellStore;
import dev.softalign.experiment.CodeVersion;
import dev.softalign.experiment.Engine;
import dev.softalign.experiment.LocalEngine;
import dev.softalign.experiment.DepthExperiment;
import dev.softalign.experiment.Sweep;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.Mlp;
import java.util.SplittableRandom;
import dev.softalign.learn.Throughput;
import dev.softalign.nn.GemmBench;
import dev.softalign.nn.MatMul;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure speed on this machine: matrix products (GFLOP/s against the practical float64 peak), "
                + "training samples/s for BP and FA at depth 2 and 5, Hessian-vector products and PGD-20, next to "
                + "PyTorch 1.13 (OpenBLAS, 2 threads) measured on the same kind of machine; then how to spend the "
                + "cores: a training step on 1 kernel thread against all, and a sweep of 8 small cells split as "
                + "reproduce splits it against one cell at a time on all kernel threads.",
                "The machine is shared and noisy: compare ratios within one run."})
final class BenchCommand implements Callable<Integer> {

    /** OpenBLAS float64 on 2 cores here; the practical peak. */
    static final double PEAK_GFLOPS = 136;

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "fewer repetitions and no ojalgo column (about half a minute)")
    boolean quick;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;
    @Option(names = "--only", split = ",", description = "measure only these groups: gemm, train, hvp, attack, parallel")
    List<String> only;

    record Row(String group, String work, double value, String unit, Double reference, String referenceName) {
    }

    static final List<String> GROUPS = List.of("gemm", "train", "hvp", "attack", "parallel");

    private boolean measures(String group) {
        return only == null || only.contains(group);
    }

    @Override
    public Integer call() {
        if (only != null && !GROUPS.containsAll(only)) {
            throw new IllegalArgumentException("--only takes " + String.join(", ", GROUPS) + ", got " + String.join(",", only));
        }
        List<Row> rows = new ArrayList<>();
        if (measures("gemm")) {
            gemm(rows);
        }
        Split data = Datasets.load(Datasets.DEFAULT);
        Dataset train = data.train();
        if (measures("train")) {
            train(rows, train);
        }
        Dataset subset = data.test().first(1000);
        Mlp net = Trainer.initialize(TrainConfig.defaults().depth(2).width(256), train);
        if (measures("hvp")) {
            rows.add(new Row("hvp", "Hessian-vector product, 1000 samples, L=2", hvpMillis(net, subset, quick ? 3 : 10),
                    "ms", 34.9, "PyTorch float64"));
        }
        if (measures("attack")) {
            rows.add(new Row("attack", "PGD-20, 1000 samples, L=2", pgdMillis(net, subset, quick ? 2 : 4), "ms", 470.0,
                    "PyTorch float64"));
        }
        if (measures("parallel")) {
            parallel(rows, data);
        }
        print(rows);
        return 0;
    }

    private void gemm(List<Row> rows) {
        MatMul kernel = MatMul.get();
        List<GemmBench.Shape> shapes = GemmBench.mlpShapes();
        List<GemmBench.Row> fast = quick ? GemmBench.run(kernel, shapes, 5, 3, 20) : GemmBench.run(kernel);
        List<GemmBench.Row> portable = quick ? null : GemmBench.run(MatMul.portable(), shapes, 3, 3, 20);
        for (int i = 0; i < fast.size(); i++) {
            GemmBench.Row r = fast.get(i);
            rows.add(new Row("gemm", r.shape().label() + " " + kernel.name(), r.gflops(), "GFLOP/s", PEAK_GFLOPS,
                    "float64 peak"));
            if (portable != null) {
                rows.add(new Row("gemm", r.shape().label() + " ojalgo", portable.get(i).gflops(), "GFLOP/s",
                        PEAK_GFLOPS, "float64 peak"));
            }
        }
    }

    private void train(List<Row> rows, Dataset train) {
        Object[][] runs = {{"bp", 2, 43_500.0}, {"bp", 5, 17_800.0}, {"fa", 2, 37_700.0}, {"fa", 5, null}};
        for (Object[] r : runs) {
            TrainConfig c = TrainConfig.defaults().rule((String) r[0]).depth((int) r[1]).width(256).batch(128);
            double rate = Throughput.samplesPerSecond(c, train, quick ? 1 : 3);
            rows.add(new Row("train", "train " + r[0].toString().toUpperCase(Locale.ROOT) + ", L=" + r[1] + ", batch 128",
                    rate, "samples/s", (Double) r[2], "PyTorch float64"));
        }
    }

    /**
     * How to spend the cores, measured rather than assumed: one training step (BP, L=2, width 256,
     * batch 128) on 1 kernel thread and on all; and a sweep of 8 small cells (the quick preset's
     * width, batch and rate, one epoch on the bundled data) split as reproduce splits it
     * ({@link Sweep#budget}) and as one cell at a time on all kernel threads. Each split's cells
     * are the same, so are their bits.
     */
    private void parallel(List<Row> rows, Split data) {
        int cores = Runtime.getRuntime().availableProcessors();
        int rounds = quick ? 1 : 3;
        TrainConfig step = TrainConfig.defaults().rule("bp").depth(2).width(256).batch(128);
        MatMul one = MatMul.withThreads(1);
        MatMul all = MatMul.withThreads(cores);
        String work = "train step BP, L=2, batch 128, ";
        double[] rates = inTurns(rounds, true,
                () -> Throughput.samplesPerSecond(step, data.train(), 1, one),
                () -> Throughput.samplesPerSecond(step, data.train(), 1, all));
        rows.add(new Row("parallel", work + "1 kernel thread", rates[0], "samples/s", null, null));
        rows.add(new Row("parallel", work + cores + " kernel threads", rates[1], "samples/s", rates[0], "1 kernel thread"));
        List<Cell> cells = new ArrayList<>();
        for (int seed = 1; seed <= 4; seed++) {
            for (String rule : new String[] {"bp", "fa"}) {
                cells.add(Cell.of(TrainConfig.defaults().rule(rule).depth(2).width(128).batch(64).lr(0.001).epochs(1)
                        .seed(seed), Cell.tags("group", rule)));
            }
        }
        Sweep.Budget own = Sweep.budget(cores, cells.size());
        Sweep.Budget wide = new Sweep.Budget(1, cores);
        sweepSeconds(cells, data, own); // JIT warm-up
        double[] seconds = inTurns(rounds, false,
                () -> sweepSeconds(cells, data, own),
                () -> sweepSeconds(cells, data, wide));
        String sweep = "sweep of 8 small cells, ";
        rows.add(new Row("parallel", sweep + own, seconds[0], "s", null, null));
        rows.add(new Row("parallel", sweep + wide, seconds[1], "s", seconds[0], "reproduce's split"));
    }

    /**
     * Each measurement's best over {@code rounds} rounds, the measurements taking turns within a
     * round, so load that comes and goes on a shared machine falls on all of them alike.
     */
    static double[] inTurns(int rounds, boolean higherIsBetter, java.util.function.DoubleSupplier... measurements) {
        double[] best = new double[measurements.length];
        java.util.Arrays.fill(best, higherIsBetter ? 0 : Double.MAX_VALUE);
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < measurements.length; i++) {
                double v = measurements[i].getAsDouble();
                best[i] = higherIsBetter ? Math.max(best[i], v) : Math.min(best[i], v);
            }
        }
        return best;
    }

    /** Wall time of the sweep run into a fresh folder (so no cell is reused). */
    static double sweepSeconds(List<Cell> cells, Split data, Sweep.Budget budget) {
        Path dir;
        try {
            dir = Files.createTempDirectory("softalign-bench-sweep");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            long start = System.nanoTime();
            Sweep.Outcome o;
            try (Engine engine = new LocalEngine(budget)) {
                Sweep.Plan plan = Sweep.plan(new DepthExperiment(), cells, new CellStore(dir, CodeVersion.current()));
                o = Sweep.run(plan, data, engine, false, null);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (o.ran() != cells.size()) {
                throw new IllegalStateException("the benchmark sweep reused cells from " + dir);
            }
            return seconds;
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Median time of one Hessian-vector product over the subset, after warm-up products. */
    static double hvpMillis(Mlp net, Dataset subset, int reps) {
        Hessian h = Hessian.of(net, subset);
        double[] v = new double[h.dimension()];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        double[] out = new double[v.length];
        for (int i = 0; i < 3; i++) {
            h.apply(v, out);
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            h.apply(v, out);
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        java.util.Arrays.sort(t);
        return t[reps / 2];
    }

    /** Best time of PGD-20 (L-inf, eps 0.1, random start) over the subset, after one warm-up run. */
    static double pgdMillis(Mlp net, Dataset subset, int reps) {
        Pgd pgd = new Pgd(GradientSource.trueGradient(net), Norm.LINF, 0.1 / 8, 20, 1, true);
        double best = Double.MAX_VALUE;
        for (int i = 0; i <= reps; i++) {
            long start = System.nanoTime();
            pgd.perturb(subset.x(), subset.labels(), null, 0.1, new SplittableRandom(1));
            double ms = (System.nanoTime() - start) / 1e6;
            if (i > 0) {
                best = Math.min(best, ms);
            }
        }
        return best;
    }

    /** The --json object: the kernel, the machine's measured peak and one row per measurement. */
    record Summary(String kernel, double peakGflops, List<Row> rows) {
    }

    private static boolean isTime(String unit) {
        return "ms".equals(unit) || "s".equals(unit);
    }

    private void print(List<Row> rows) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, new Summary(MatMul.get().name(), PEAK_GFLOPS, rows));
            return;
        }
        out.printf(Locale.ROOT, "%-62s %12s %-10s %14s  %s%n", "work", "value", "unit", "reference", "ours against it");
        for (Row r : rows) {
            String ref = r.reference() == null ? "-" : String.format(Locale.ROOT, "%,.1f", r.reference());
            // Times: lower is better, so the ratio is reference / ours, a speed-up like the others.
            double speedup = r.reference() == null ? Double.NaN
                    : isTime(r.unit()) ? r.reference() / r.value() : r.value() / r.reference();
            String ratio = r.reference() == null ? "" : String.format(Locale.ROOT, "%.2f x %s", speedup,
                    "GFLOP/s".equals(r.unit()) ? r.referenceName() : "the speed of " + r.referenceName());
            out.printf(Locale.ROOT, "%-62s %,12.1f %-10s %14s  %s%n", r.work(), r.value(), r.unit(), ref, ratio);
        }
        out.flush();
    }
}
