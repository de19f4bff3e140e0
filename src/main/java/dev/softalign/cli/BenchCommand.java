package dev.softalign.cli;

import dev.softalign.data.Dataset;
import dev.softalign.data.Datasets;
import dev.softalign.analysis.Hessian;
import dev.softalign.attack.GradientSource;
import dev.softalign.attack.Norm;
import dev.softalign.attack.Pgd;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.Mlp;
import java.util.SplittableRandom;
import dev.softalign.learn.Throughput;
import dev.softalign.nn.GemmBench;
import dev.softalign.nn.MatMul;
import java.io.PrintWriter;
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
                + "PyTorch 1.13 (OpenBLAS, 2 threads) measured on the same kind of machine.",
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

    record Row(String group, String work, double value, String unit, Double reference, String referenceName) {
    }

    @Override
    public Integer call() {
        List<Row> rows = new ArrayList<>();
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
        Dataset train = Datasets.load(Datasets.DEFAULT).train();
        Object[][] runs = {{"bp", 2, 43_500.0}, {"bp", 5, 17_800.0}, {"fa", 2, 37_700.0}, {"fa", 5, null}};
        for (Object[] r : runs) {
            TrainConfig c = TrainConfig.defaults().rule((String) r[0]).depth((int) r[1]).width(256).batch(128);
            double rate = Throughput.samplesPerSecond(c, train, quick ? 1 : 3);
            rows.add(new Row("train", "train " + r[0].toString().toUpperCase(Locale.ROOT) + ", L=" + r[1] + ", batch 128",
                    rate, "samples/s", (Double) r[2], "PyTorch float64"));
        }
        Dataset subset = Datasets.load(Datasets.DEFAULT).test().first(1000);
        Mlp net = Trainer.initialize(TrainConfig.defaults().depth(2).width(256), train);
        rows.add(new Row("hvp", "Hessian-vector product, 1000 samples, L=2", hvpMillis(net, subset, quick ? 3 : 10), "ms",
                34.9, "PyTorch float64"));
        rows.add(new Row("attack", "PGD-20, 1000 samples, L=2", pgdMillis(net, subset, quick ? 2 : 4), "ms", 470.0,
                "PyTorch float64"));
        print(rows);
        return 0;
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

    private void print(List<Row> rows) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, new Summary(MatMul.get().name(), PEAK_GFLOPS, rows));
            return;
        }
        out.printf(Locale.ROOT, "%-44s %12s %-10s %14s  %s%n", "work", "value", "unit", "reference", "ours against it");
        for (Row r : rows) {
            String ref = r.reference() == null ? "-" : String.format(Locale.ROOT, "%,.1f", r.reference());
            // Times: lower is better, so the ratio is reference / ours, a speed-up like the others.
            double speedup = r.reference() == null ? Double.NaN
                    : "ms".equals(r.unit()) ? r.reference() / r.value() : r.value() / r.reference();
            String ratio = r.reference() == null ? "" : String.format(Locale.ROOT, "%.2f x %s", speedup,
                    "GFLOP/s".equals(r.unit()) ? r.referenceName() : "the speed of " + r.referenceName());
            out.printf(Locale.ROOT, "%-44s %,12.1f %-10s %14s  %s%n", r.work(), r.value(), r.unit(), ref, ratio);
        }
        out.flush();
    }
}
