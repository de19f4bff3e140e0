package dev.softalign.cli;

import dev.softalign.experiment.Engine;
import dev.softalign.experiment.Experiment;
import dev.softalign.experiment.Experiments;
import dev.softalign.experiment.LocalEngine;
import dev.softalign.experiment.Preset;
import dev.softalign.experiment.Reproduce;
import dev.softalign.experiment.Sweep;
import dev.softalign.report.ImageFormat;
import dev.softalign.report.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Reproduce a figure of the paper: run its sweep (cells in parallel; each finished cell is a run "
                + "folder OUT/<experiment>/cells/<cell-id>/ with its model, never rerun by the same code) and write "
                + "OUT/<experiment>/index.html with charts (PNG + CSV) and a verdict table. A preset on several datasets "
                + "(--full) runs every figure once per dataset into OUT/<dataset>/<experiment>/; OUT/index.html and "
                + "OUT/verdicts.csv list every verdict with its dataset.",
                "Figures: depth (1) test accuracy against depth; training (2) training curves and alignment angles; "
                        + "gradflow (3) gradient flow across depth; flatness (4) Hessian spectrum and weight noise; "
                        + "robustness (5) FGSM, PGD, the worst case over PGD, APGD-CE and APGD-T, and corruptions against "
                        + "the alignment degree. all runs every figure.",
                "Example: softalign reproduce all --quick"})
final class ReproduceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FIGURE", description = "depth (1), training (2), gradflow (3), flatness (4), robustness (5), or all")
    String figure;
    @Option(names = "--quick", description = "minutes, offline, on the bundled 10k/2k Fashion-MNIST subset (default)")
    boolean quick;
    @Option(names = "--full", description = "the faithful run on full Fashion-MNIST and on MNIST digits (fetch both "
            + "first: datasets/fetch fashion-mnist; datasets/fetch mnist)")
    boolean full;
    @Option(names = "--preset", description = "quick, full, full-uncut (the full grid before any cut to fit 2 hours on "
            + "2 cores, for machines or clusters that can afford it) or test (seconds, synthetic data; for tests)")
    String preset;
    @Option(names = "--dtype", description = "f64 (default: the numbers the reports publish) or f32: the precision "
            + "every cell trains in; analyses compute in f64 on the widened network")
    String dtype = "f64";
    @Option(names = "--seeds", description = "seeds per condition (default: the preset's: 3)")
    Integer seeds;
    @Option(names = "--out", description = "reports folder (default: reports; reports/<preset> for full and full-uncut)")
    Path out;
    @Option(names = "--format", description = "chart format, png or svg (default: ${DEFAULT-VALUE})")
    String format = "png";
    @Option(names = "--threads", description = "threads of the local engine, split between cells at once and kernel "
            + "threads per cell (default: the number of cores, ${DEFAULT-VALUE})")
    int threads = Sweep.defaultThreads();
    @Option(names = "--engine", description = "local (a thread pool on this machine, the default) or spark (Spark's local "
            + "mode, or the cluster of spark-submit / --master)")
    String engine = "local";
    @Option(names = "--master", description = "Spark master URL for --engine spark, e.g. spark://host:7077 or local[4] "
            + "(default: spark-submit's, else local mode on every core)")
    String master;
    @Option(names = "--rerun-stale", description = "recompute cells that other code computed (without it, reproduce refuses "
            + "to mix them into a report)")
    boolean rerunStale;
    @Option(names = "--json", description = "print one JSON object (reports, cells run and reused, verdicts) instead of progress lines")
    boolean json;

    /** reports for the quick and test presets, reports/&lt;name&gt; for the full ones (reports/full/index.html). */
    static Path defaultOut(Preset p) {
        return p.name().equals(Preset.QUICK.name()) || p.name().equals(Preset.TEST.name()) ? Path.of("reports")
                : Path.of("reports", p.name());
    }

    private Engine engine() {
        return engine.equals("spark") ? Engine.spark(master) : new LocalEngine(threads);
    }

    @Override
    public Integer call() {
        int chosen = (quick ? 1 : 0) + (full ? 1 : 0) + (preset != null ? 1 : 0);
        if (chosen > 1) {
            throw new IllegalArgumentException("choose one of --quick, --full and --preset");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        if (!engine.equals("local") && !engine.equals("spark")) {
            throw new IllegalArgumentException("--engine must be local or spark, got '" + engine + "'");
        }
        if (master != null && engine.equals("local")) {
            throw new IllegalArgumentException("--master needs --engine spark");
        }
        Preset p = full ? Preset.FULL : preset != null ? Preset.parse(preset) : Preset.QUICK;
        Path out = this.out != null ? this.out : defaultOut(p);
        if (seeds != null) {
            p = p.withSeeds(seeds);
        }
        p = p.withDtype(DtypeOption.parse(dtype));
        List<Experiment<?>> experiments = Experiments.select(figure);
        ImageFormat f = ImageFormat.parse(format);
        PrintWriter o = spec.commandLine().getOut();
        PrintWriter log = json ? new PrintWriter(new StringWriter()) : o;
        List<Reproduce.Done> done;
        try (Engine e = engine()) {
            done = Reproduce.run(experiments, p, out, f, e, rerunStale, log);
        }
        if (json) {
            List<Object> list = new ArrayList<>();
            for (Reproduce.Done d : done) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("experiment", d.experiment().id());
                m.put("dataset", d.dataset());
                m.put("report", d.index().toString());
                m.put("cells_run", d.outcome().ran());
                m.put("cells_reused", d.outcome().reused());
                m.put("diverged", d.outcome().diverged());
                m.put("seconds", d.seconds());
                m.put("cells", d.outcome().results().size());
                Map<String, String> v = new LinkedHashMap<>();
                for (Verdict verdict : d.verdicts()) {
                    v.put(verdict.claim(), verdict.outcome().label());
                }
                m.put("verdicts", v);
                list.add(m);
            }
            Map<String, Object> all = new LinkedHashMap<>();
            all.put("preset", p.name());
            all.put("engine", engine);
            all.put("seconds", done.stream().mapToDouble(Reproduce.Done::seconds).sum());
            all.put("experiments", list);
            Output.json(o, all);
        } else {
            for (Reproduce.Done d : done) {
                for (Verdict v : d.verdicts()) {
                    o.println((p.datasets().size() > 1 ? d.dataset() + ": " : "") + d.experiment().id() + ": " + v.claim()
                            + ": " + v.outcome().label());
                }
            }
            o.println("wrote " + out.resolve("index.html"));
        }
        return 0;
    }
}
