package dev.softalign.experiment;

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
 * out/&lt;id&gt;/index.html, then an overview out/index.html linking them with their verdicts.
 */
public final class Reproduce {

    /** One experiment's report, how its sweep went, and how long it took now. */
    public record Done(Experiment<?> experiment, Path index, Sweep.Outcome<?> outcome, List<Verdict> verdicts, double seconds) {
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
     * Runs the experiments' sweeps on the engine. Every experiment's cells folder is checked for
     * stale cells (computed by other code) before anything runs: without rerunStale that is a
     * one-line refusal, with it those cells are recomputed.
     */
    public static List<Done> run(List<? extends Experiment<?>> experiments, Preset preset, Path out, ImageFormat format, Engine engine,
            boolean rerunStale, PrintWriter log) {
        String code = CodeVersion.current();
        List<Sweep.Plan<?>> plans = new ArrayList<>();
        for (Experiment<?> e : experiments) {
            plans.add(Sweep.plan(e, e.cells(preset), new CellStore(out.resolve(e.id()).resolve("cells"), code)));
        }
        Sweep.checkStale(plans, rerunStale);
        Split data = preset.load();
        List<Done> done = new ArrayList<>();
        for (Sweep.Plan<?> plan : plans) {
            Experiment<?> e = plan.experiment();
            long start = System.nanoTime();
            Path dir = out.resolve(e.id());
            Reported r = sweep(plan, data, engine, rerunStale, log, preset);
            Sweep.Outcome<?> o = r.outcome();
            Report rep = r.report();
            double seconds = (System.nanoTime() - start) / 1e9;
            rep.heading("Reproduction");
            rep.text(String.format(Locale.ROOT, "Preset %s, %d cells: %d computed in this run, %d reused from an earlier "
                    + "run, %d diverged. Wall time of this run: %s (%s). Code version %s.", preset.name(),
                    o.results().size(), o.ran(), o.reused(), o.diverged(), Progress.duration(seconds), engine.describe(),
                    code));
            rep.text("Each cell is a run folder cells/<cell-id>/ with the files of `softalign train --out` (config.json, "
                    + "metrics.csv, model.safetensors, ...) and its result.json, so `softalign hessian --model "
                    + "cells/<cell-id>/model.safetensors` (or attack, report) opens the network behind any number here. "
                    + "Rerunning the command reuses every cell computed by the same code and recomputes nothing.");
            Path index = rep.write(dir, format);
            done.add(new Done(e, index, o, rep.verdictList(), seconds));
            if (log != null) {
                log.println(e.id() + ": wrote " + index + String.format(Locale.ROOT, " (%s; %d cells run, %d reused)",
                        Progress.duration(seconds), o.ran(), o.reused()));
                log.flush();
            }
        }
        List<Verdict> across = acrossCells(preset, out, format, log);
        overview(done, across, preset, out, format);
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
        Report rep = Generalization.report(rows, preset.name());
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
     * its verdicts (earlier ones read back from their verdict.csv), then the across-cells report.
     */
    static void overview(List<Done> done, List<Verdict> across, Preset preset, Path out, ImageFormat format) {
        Report rep = new Report("softalign: reproduction of Cheon, Bae, Paik (2025)");
        rep.text("Reports of the experiments in this folder; the last run used preset " + preset.name()
                + " (each report states its own).");
        StringColumn exp = StringColumn.create("experiment");
        StringColumn claim = StringColumn.create("claim");
        StringColumn outcome = StringColumn.create("reproduced");
        for (Experiment<?> e : Experiments.ALL) {
            Done d = done.stream().filter(x -> x.experiment().id().equals(e.id())).findFirst().orElse(null);
            Path index = out.resolve(e.id()).resolve("index.html");
            if (d == null && !Files.isRegularFile(index)) {
                continue;
            }
            rep.link(e.id() + "/index.html", e.title(), d == null ? " (from an earlier run)" : "");
            List<Verdict> verdicts = d != null ? d.verdicts() : readVerdicts(out.resolve(e.id()).resolve("verdict.csv"));
            for (Verdict v : verdicts) {
                exp.append(e.id());
                claim.append(v.claim());
                outcome.append(v.outcome().label());
            }
        }
        if (!across.isEmpty()) {
            rep.link(ACROSS + "/index.html", "Claim 4 across all cells: flatter minima, better generalization", "");
            for (Verdict v : across) {
                exp.append(ACROSS);
                claim.append(v.claim());
                outcome.append(v.outcome().label());
            }
        }
        rep.table("verdicts", "All verdicts", "The rules and measured numbers are in each experiment's report.",
                Table.create("verdicts", exp, claim, outcome));
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
