package dev.softalign.experiment;

import dev.softalign.data.Datasets;
import dev.softalign.data.Split;
import dev.softalign.report.ImageFormat;
import dev.softalign.report.Report;
import dev.softalign.report.Verdict;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.csv.CsvReadOptions;

/**
 * Runs experiments for a preset: each one's sweep into out/&lt;id&gt;/cells/&lt;cell-id&gt;/, its report into
 * out/&lt;id&gt;/index.html, then an overview out/index.html linking them with their verdicts. A preset on
 * several datasets runs every experiment once per dataset, under out/&lt;dataset&gt;/.
 */
public final class Reproduce {

    /** One experiment's report on one dataset, how its sweep went, and how long it took now. */
    public record Done(Experiment<?> experiment, Path index, Sweep.Outcome<?> outcome, List<Verdict> verdicts, double seconds,
            String dataset) {
    }

    private Reproduce() {
    }

    /**
     * Runs the experiments on this machine within threads threads (cells at once x kernel threads
     * per cell), refusing to run beside stale cells.
     */
    public static List<Done> run(List<? extends Experiment<?>> experiments, Preset preset, Path out, ImageFormat format, int threads,
            PrintWriter log) {
        try (Engine engine = new LocalEngine(threads)) {
            return run(experiments, preset, out, format, engine, false, log);
        }
    }

    /**
     * Runs the experiments' sweeps on the engine, once per dataset of the preset: into out/&lt;id&gt;/
     * for a preset on one dataset, into out/&lt;dataset&gt;/&lt;id&gt;/ (each with its own overview) for a
     * preset on several, with out/index.html and verdicts.csv listing every verdict with its dataset.
     * Before anything runs, every dataset is looked up (a missing one is a one-line DataException
     * saying how to fetch it) and every cells folder is checked for stale cells (computed by other
     * code): without rerunStale that is a one-line refusal, with it those cells are recomputed.
     */
    public static List<Done> run(List<? extends Experiment<?>> experiments, Preset preset, Path out, ImageFormat format, Engine engine,
            boolean rerunStale, PrintWriter log) {
        String code = CodeVersion.current();
        boolean several = preset.datasets().size() > 1;
        for (String d : preset.datasets()) {
            Datasets.require(d);
        }
        List<Part> parts = new ArrayList<>();
        List<Sweep.Plan<?>> plans = new ArrayList<>();
        for (String d : preset.datasets()) {
            Part part = several ? new Part(preset.onDataset(d), out.resolve(d), new ArrayList<>())
                    : new Part(preset, out, new ArrayList<>());
            for (Experiment<?> e : experiments) {
                part.plans().add(Sweep.plan(e, e.cells(part.preset()),
                        new CellStore(part.dir().resolve(e.id()).resolve("cells"), code)));
            }
            parts.add(part);
            plans.addAll(part.plans());
        }
        Sweep.checkStale(plans, rerunStale);
        List<Done> done = new ArrayList<>();
        for (Part part : parts) {
            List<Done> now = run(part, format, engine, rerunStale, log, code);
            acrossCells(part.preset(), part.dir(), format, log);
            overview(now, part.preset(), part.dir(), format);
            done.addAll(now);
        }
        if (several) {
            overview(done, preset, out, format);
        }
        return done;
    }

    /** One dataset's share of a reproduction: the preset on that dataset, its folder and its sweeps. */
    private record Part(Preset preset, Path dir, List<Sweep.Plan<?>> plans) {
    }

    private static List<Done> run(Part part, ImageFormat format, Engine engine, boolean rerunStale, PrintWriter log,
            String code) {
        Preset preset = part.preset();
        Split data = preset.load();
        List<Done> done = new ArrayList<>();
        for (Sweep.Plan<?> plan : part.plans()) {
            Experiment<?> e = plan.experiment();
            long start = System.nanoTime();
            Path dir = part.dir().resolve(e.id());
            Reported r = sweep(plan, data, engine, rerunStale, log, preset);
            Sweep.Outcome<?> o = r.outcome();
            Report rep = r.report();
            double seconds = (System.nanoTime() - start) / 1e9;
            rep.heading("Reproduction");
            rep.text(String.format(Locale.ROOT, "Preset %s on %s, %d cells: %d computed in this run, %d reused from an "
                    + "earlier run, %d diverged. Wall time of this run: %s (%s). Code version %s.", preset.name(),
                    preset.dataset(), o.results().size(), o.ran(), o.reused(), o.diverged(), Progress.duration(seconds),
                    engine.describe(), code));
            rep.text("Each cell is a run folder cells/<cell-id>/ with the files of `softalign train --out` (config.json, "
                    + "metrics.csv, model.safetensors, ...) and its result.json, so `softalign hessian --model "
                    + "cells/<cell-id>/model.safetensors` (or attack, report) opens the network behind any number here. "
                    + "Rerunning the command reuses every cell computed by the same code and recomputes nothing.");
            Path index = rep.write(dir, format);
            done.add(new Done(e, index, o, rep.verdictList(), seconds, preset.dataset()));
            if (log != null) {
                log.println(e.id() + ": wrote " + index + String.format(Locale.ROOT, " (%s; %d cells run, %d reused)",
                        Progress.duration(seconds), o.ran(), o.reused()));
                log.flush();
            }
        }
        return done;
    }

    private record Reported(Sweep.Outcome<?> outcome, Report report) {
    }

    /** Runs a plan's sweep and has its experiment report the results (one measurement type M for both). */
    private static <M> Reported sweep(Sweep.Plan<M> plan, Split data, Engine engine, boolean rerunStale, PrintWriter log,
            Preset preset) {
        Sweep.Outcome<M> o = Sweep.run(plan, data, engine, rerunStale, log);
        return new Reported(o, plan.experiment().report(preset, data, o.results()));
    }

    /** The folder of the report across all experiments' cells ({@link Generalization}). */
    static final String ACROSS = "generalization";

    /**
     * Reads every stored cell of the preset's sweeps in out (this run's and earlier runs', whichever
     * experiments ran) and writes the across-cells reading of claim 4 into out/generalization/;
     * its verdicts, none when no cell is stored. Cells of older code are read as they are: without
     * a probe they are listed with empty values.
     */
    static List<Verdict> acrossCells(Preset preset, Path out, ImageFormat format, PrintWriter log) {
        List<Generalization.Row> rows = new ArrayList<>();
        for (Experiment<?> e : Experiments.ALL) {
            Path cells = out.resolve(e.id()).resolve("cells");
            List<CellResult<?>> stored = new ArrayList<>();
            for (Cell c : e.cells(preset)) {
                stored.add(CellStore.read(cells.resolve(c.id()).resolve(CellStore.RESULT)));
            }
            rows.addAll(Generalization.rows(e.id(), stored));
        }
        Report rep = Generalization.report(rows, preset.name() + " on " + preset.dataset());
        if (rep == null) {
            return List.of();
        }
        Path index = rep.write(out.resolve(ACROSS), format);
        if (log != null) {
            log.println(ACROSS + ": wrote " + index + " (" + rows.size() + " cells)");
            log.flush();
        }
        return rep.verdictList();
    }

    /**
     * out/index.html: a link to every experiment report in out (this run's and earlier ones'), with
     * its verdicts (earlier ones read back from their verdict.csv) in verdicts.csv. For a preset on
     * several datasets the reports are out/&lt;dataset&gt;/&lt;id&gt;/ and the table has a dataset column.
     * Each dataset's across-cells reading (out/[&lt;dataset&gt;/]generalization/) follows its experiments.
     */
    static void overview(List<Done> done, Preset preset, Path out, ImageFormat format) {
        boolean several = preset.datasets().size() > 1;
        Report rep = new Report("softalign: reproduction of Cheon, Bae, Paik (2025)");
        rep.text("Reports of the experiments in this folder; the last run used preset " + preset.name()
                + (several ? " on the datasets " + String.join(", ", preset.datasets()) : "")
                + " (each report states its own).");
        StringColumn set = StringColumn.create("dataset");
        StringColumn exp = StringColumn.create("experiment");
        StringColumn claim = StringColumn.create("claim");
        StringColumn outcome = StringColumn.create("reproduced");
        for (String dataset : preset.datasets()) {
            String prefix = several ? dataset + "/" : "";
            for (Experiment<?> e : Experiments.ALL) {
                Done d = done.stream().filter(x -> x.experiment().id().equals(e.id()) && x.dataset().equals(dataset))
                        .findFirst().orElse(null);
                Path dir = out.resolve(prefix + e.id());
                if (d == null && !Files.isRegularFile(dir.resolve("index.html"))) {
                    continue;
                }
                rep.link(prefix + e.id() + "/index.html", (several ? dataset + ": " : "") + e.title(),
                        d == null ? " (from an earlier run)" : "");
                List<Verdict> verdicts = d != null ? d.verdicts() : readVerdicts(dir.resolve("verdict.csv"));
                for (Verdict v : verdicts) {
                    set.append(dataset);
                    exp.append(e.id());
                    claim.append(v.claim());
                    outcome.append(v.outcome().label());
                }
            }
            Path across = out.resolve(prefix + ACROSS);
            if (Files.isRegularFile(across.resolve("index.html"))) {
                rep.link(prefix + ACROSS + "/index.html", (several ? dataset + ": " : "")
                        + Generalization.TITLE, "");
                for (Verdict v : readVerdicts(across.resolve("verdict.csv"))) {
                    set.append(dataset);
                    exp.append(ACROSS);
                    claim.append(v.claim());
                    outcome.append(v.outcome().label());
                }
            }
        }
        Table t = several ? Table.create("verdicts", set, exp, claim, outcome) : Table.create("verdicts", exp, claim, outcome);
        rep.table("verdicts", "All verdicts", "The rules and measured numbers are in each experiment's report.", t);
        rep.write(out, format);
    }

    /** Verdicts from a report's verdict.csv; none if it is missing or unreadable (the link still works). */
    static List<Verdict> readVerdicts(Path csv) {
        List<Verdict> out = new ArrayList<>();
        if (!Files.isRegularFile(csv)) {
            return out;
        }
        try {
            Table t = Table.read().usingOptions(CsvReadOptions.builder(csv.toFile()).columnTypes(
                    new ColumnType[] {ColumnType.STRING, ColumnType.STRING, ColumnType.STRING, ColumnType.STRING}));
            for (int i = 0; i < t.rowCount(); i++) {
                String label = t.stringColumn("reproduced").get(i);
                Verdict.Outcome o = Verdict.Outcome.UNDECIDED;
                for (Verdict.Outcome c : Verdict.Outcome.values()) {
                    if (c.label().equals(label)) {
                        o = c;
                    }
                }
                out.add(new Verdict(t.stringColumn("claim").get(i), t.stringColumn("rule").get(i),
                        t.stringColumn("measured").get(i), o));
            }
        } catch (RuntimeException e) {
            return new ArrayList<>();
        }
        return out;
    }
}
