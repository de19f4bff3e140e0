package dev.softalign.cli;

import dev.softalign.bench.Machine;
import dev.softalign.bench.Peer;
import dev.softalign.bench.Recorded;
import dev.softalign.bench.Workload;
import dev.softalign.data.Datasets;
import dev.softalign.data.Split;
import dev.softalign.experiment.Cell;
import dev.softalign.experiment.CellStore;
import dev.softalign.experiment.CodeVersion;
import dev.softalign.experiment.Engine;
import dev.softalign.experiment.LocalEngine;
import dev.softalign.experiment.DepthExperiment;
import dev.softalign.experiment.Sweep;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Throughput;
import dev.softalign.nn.Dtype;
import dev.softalign.nn.GemmBench;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Peak;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure speed on this machine, in this run: the machine's arithmetic peak per precision "
                + "(register FMA probe) and the best matrix product the kernel reaches; training samples/s for BP and FA "
                + "at depth 2 and 5, a Hessian-vector product and PGD-20; then how to spend the cores.",
                "--peer torch runs the same workloads in PyTorch (bench/peer/torch_peer.py, float32 and float64, "
                + "2 threads) in the same run and prints softalign's speed against it. Without a peer, figures "
                + "recorded in bench/recorded/ are shown with their label only, never as a ratio.",
                "The machine may be shared and noisy: compare within one run, and repeat."})
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "fewer repetitions (a few minutes with --peer)")
    boolean quick;
    @Option(names = "--json", description = "print one JSON object: date, machine, load_average (before, after), kernel, "
            + "peaks, gemm, peer, rows, recorded")
    boolean json;
    @Option(names = "--only", split = ",", description = "measure only these groups: peak, gemm, train, hvp, attack, "
            + "parallel")
    List<String> only;
    @Option(names = "--dtype", split = ",", description = "precisions of the workloads: f64, f32 (default: both; "
            + "softalign measures those its build computes in)")
    List<String> dtypes = Workload.DTYPES;
    @Option(names = "--peer", description = "torch: run the same workloads in PyTorch in this run and print ratios")
    String peer;
    @Option(names = "--peer-python", description = "the python3 with torch (default: $SOFTALIGN_PEER_PYTHON, "
            + "/usr/bin/python3, python3 on the PATH)")
    String peerPython;
    @Option(names = "--peer-env", description = "NAME=VALUE for the peer's environment, after those in "
            + "$SOFTALIGN_PEER_ENV (e.g. LD_LIBRARY_PATH=.../openblas-openmp OPENBLAS_CORETYPE=SkylakeX; see "
            + "bench/peer/README.md)")
    List<String> peerEnv;
    @Option(names = "--peer-threads", description = "the peer's threads (default: ${DEFAULT-VALUE})")
    int peerThreads = 2;

    static final List<String> GROUPS = List.of("peak", "gemm", "train", "hvp", "attack", "parallel");

    /** One measured workload: softalign's figure, the peer's, and softalign's speed over the peer's. */
    record Row(String group, String work, String label, String dtype, Double value, String unit, Double peer,
            Double speedup) {
    }

    /** A matrix product's rate, and its share of the measured peak of its precision. */
    record GemmRow(String dtype, String shape, String kernel, double gflops, Double ofPeak) {
    }

    /** The --json object. */
    record Summary(String date, Machine machine, List<Double> loadAverage, String kernel, List<Peak.Result> peaks, List<GemmRow> gemm,
            Peer.Info peer, List<Row> rows, List<Recorded> recorded) {
    }

    private boolean measures(String group) {
        return only == null || only.contains(group);
    }

    @Override
    public Integer call() {
        try {
            return measure();
        } catch (Peer.PeerException e) {
            throw new CommandFailure(e.getMessage());
        }
    }

    private int measure() {
        if (only != null && !GROUPS.containsAll(only)) {
            throw new IllegalArgumentException("--only takes " + String.join(", ", GROUPS) + ", got " + String.join(",", only));
        }
        if (!Workload.DTYPES.containsAll(dtypes)) {
            throw new IllegalArgumentException("--dtype takes f64 and f32, got " + String.join(",", dtypes));
        }
        if (peer != null && !peer.equals("torch")) {
            throw new IllegalArgumentException("--peer takes torch, got " + peer);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter log = spec.commandLine().getErr();
        Map<String, String> env = Peer.environment(System.getenv("SOFTALIGN_PEER_ENV"), peerEnv);
        // Fail before minutes of measuring, not after.
        String python = peer == null ? null : Peer.findPython(peerPython, env);
        Double loadBefore = Machine.loadAverage();
        String date = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        int rounds = quick ? 1 : 3;
        // Each precision's kernel compiles itself in the background when first made; measuring
        // while it does would time the machine shared with the JIT (the first float32 workload
        // measured 10-20 % slow), so every kernel is made and compiled before anything is timed.
        for (String d : dtypes) {
            MatMul.get(Dtype.parse(d));
        }
        for (String d : dtypes) {
            MatMul.awaitWarmUp(Dtype.parse(d));
        }
        List<Peak.Result> peaks = new ArrayList<>();
        if ((measures("peak") || measures("gemm")) && Peak.available()) {
            for (String d : dtypes) {
                peaks.add(Peak.measure(d, MatMul.get().threads(), quick ? 3 : 7));
            }
        }
        List<GemmRow> gemm = measures("gemm") ? gemm(peaks) : List.of();
        Split data = Datasets.load(Datasets.DEFAULT);
        List<Workload> work = new ArrayList<>();
        for (Workload w : Workload.all(dtypes)) {
            if (measures(w.group())) {
                work.add(w);
            }
        }
        List<Double> ours = new ArrayList<>();
        for (Workload w : work) {
            ours.add(w.runsHere() ? w.measure(data, rounds) : null);
        }
        Peer.Report report = null;
        if (python != null && !work.isEmpty()) {
            Path script = Datasets.defaultRoot().resolve(Peer.SCRIPT);
            report = Peer.run(python, script, Datasets.idxFolder(Datasets.DEFAULT), peerThreads, work, rounds, env,
                    json ? null : log);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < work.size(); i++) {
            Workload w = work.get(i);
            Double theirs = report == null ? null : report.value(w);
            Double speedup = ours.get(i) == null || theirs == null ? null
                    : w.higherIsBetter() ? ours.get(i) / theirs : theirs / ours.get(i);
            rows.add(new Row(w.group(), w.id(), w.label(), w.dtype(), ours.get(i), w.unit(), theirs, speedup));
        }
        if (measures("parallel")) {
            parallel(rows, data);
        }
        List<Recorded> recorded = report == null
                ? Recorded.load(Datasets.defaultRoot().resolve("bench").resolve("recorded")) : List.of();
        List<Double> load = new ArrayList<>();
        load.add(loadBefore);
        load.add(Machine.loadAverage());
        Summary s = new Summary(date, Machine.current(), load, MatMul.get().name(), peaks, gemm,
                report == null ? null : report.info(), rows, recorded);
        if (json) {
            Output.json(out, s);
        } else {
            print(out, s, report == null ? List.of() : report.errors());
        }
        return 0;
    }

    /** The network's products and large square ones, on the command's kernel of each precision. */
    private List<GemmRow> gemm(List<Peak.Result> peaks) {
        List<GemmBench.Shape> shapes = new ArrayList<>(GemmBench.mlpShapes());
        shapes.addAll(GemmBench.squareShapes());
        List<GemmRow> rows = new ArrayList<>();
        for (String d : dtypes) {
            Double peak = peaks.stream().filter(p -> p.dtype().equals(d)).map(Peak.Result::gflops).findFirst().orElse(null);
            MatMul kernel = MatMul.get(Dtype.parse(d));
            List<GemmBench.Row> fast = quick ? GemmBench.run(kernel, shapes, 5, 3, 20)
                    : GemmBench.run(kernel, shapes, 20, 7, 50);
            for (GemmBench.Row r : fast) {
                rows.add(new GemmRow(d, r.shape().label(), kernel.name(), r.gflops(), peak == null ? null
                        : r.gflops() / peak));
            }
        }
        return rows;
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
        rows.add(new Row("parallel", "step-1", work + "1 kernel thread", null, rates[0], "samples/s", null, null));
        rows.add(new Row("parallel", "step-" + cores, work + cores + " kernel threads", null, rates[1], "samples/s", null, null));
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
        rows.add(new Row("parallel", "sweep-split", sweep + own, null, seconds[0], "s", null, null));
        rows.add(new Row("parallel", "sweep-wide", sweep + wide, null, seconds[1], "s", null, null));
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

    private static void print(PrintWriter out, Summary s, List<String> peerErrors) {
        out.printf(Locale.ROOT, "softalign bench, %s: %d cores of %s, %s, kernel %s, load average %s%n", s.date(),
                s.machine().cores(), s.machine().cpu(), s.machine().java(), s.kernel(),
                s.loadAverage().stream().map(v -> v == null ? "?" : String.format(Locale.ROOT, "%.1f", v))
                        .collect(java.util.stream.Collectors.joining(" to ")));
        for (Peak.Result p : s.peaks()) {
            out.printf(Locale.ROOT, "peak %s (register FMA probe, %d lanes): %,.1f GFLOP/s on 1 thread, %,.1f on %d%n",
                    p.dtype(), p.lanes(), p.gflopsOneThread(), p.gflops(), p.threads());
        }
        if (!s.gemm().isEmpty()) {
            GemmRow best = s.gemm().stream().max(java.util.Comparator.comparingDouble(GemmRow::gflops)).orElseThrow();
            out.printf(Locale.ROOT, "best matrix product: %,.1f GFLOP/s (%s, %s, %s)%n", best.gflops(), best.dtype(),
                    best.kernel(), best.shape() + (best.ofPeak() == null ? ""
                            : String.format(Locale.ROOT, "; %.0f %% of the peak", 100 * best.ofPeak())));
            out.printf(Locale.ROOT, "%n%-26s %-8s %-4s %12s %10s%n", "matrix product", "kernel", "type", "GFLOP/s",
                    "of peak");
            for (GemmRow g : s.gemm()) {
                out.printf(Locale.ROOT, "%-26s %-8s %-4s %,12.1f %10s%n", g.shape(), g.kernel(), g.dtype(), g.gflops(),
                        g.ofPeak() == null ? "-" : String.format(Locale.ROOT, "%.0f %%", 100 * g.ofPeak()));
            }
        }
        if (s.peer() != null) {
            out.printf(Locale.ROOT, "%npeer: %s, python %s%n", s.peer().describe(), s.peer().python());
        }
        if (!s.rows().isEmpty()) {
            String peerName = s.peer() == null ? "peer" : s.peer().name();
            out.printf(Locale.ROOT, "%n%-46s %-4s %12s %12s %-10s %s%n", "work", "type", "softalign", peerName, "unit",
                    s.peer() == null ? "" : "softalign's speed / " + peerName + "'s");
            for (Row r : s.rows()) {
                out.printf(Locale.ROOT, "%-46s %-4s %12s %12s %-10s %s%n", r.label(), r.dtype() == null ? "" : r.dtype(),
                        figure(r.value()), figure(r.peer()), r.unit(),
                        r.speedup() == null ? "" : String.format(Locale.ROOT, "%.2f x", r.speedup()));
            }
        }
        for (String e : peerErrors) {
            out.println("peer failed on " + e);
        }
        for (Recorded rec : s.recorded()) {
            out.printf(Locale.ROOT, "%nrecorded elsewhere, not in this run (no ratios): %s%n", rec.label());
            for (Recorded.Figure f : rec.figures()) {
                out.printf(Locale.ROOT, "  %-20s %-4s softalign %12s, peer %12s %s%n", f.work(), f.dtype(),
                        figure(f.softalign()), figure(f.peer()), f.unit());
            }
        }
        out.flush();
    }

    private static String figure(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, v >= 100 ? "%,.0f" : "%,.1f", v);
    }
}
