package dev.softalign.experiment;

import dev.softalign.data.Split;
import dev.softalign.report.ImageFormat;
import dev.softalign.report.Report;
import dev.softalign.report.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Runs experiments for a preset: each one's sweep into out/&lt;id&gt;/cells/, its report into
 * out/&lt;id&gt;/index.html, then an overview out/index.html linking them with their verdicts.
 */
public final class Reproduce {

    /** One experiment's report, how its sweep went, and how long it took now. */
    public record Done(Experiment experiment, Path index, Sweep.Outcome outcome, List<Verdict> verdicts, double seconds) {
    }

    private Reproduce() {
    }

    public static List<Done> run(List<Experiment> experiments, Preset preset, Path out, ImageFormat format, int threads,
            PrintWriter log) {
        Split data = preset.load();
        List<Done> done = new ArrayList<>();
        for (Experiment e : experiments) {
            long start = System.nanoTime();
            Path dir = out.resolve(e.id());
            List<Cell> cells = e.cells(preset);
            Sweep.Outcome o = Sweep.run(e, cells, data, dir.resolve("cells"), threads, log);
            Report rep = e.report(preset, data, o.results());
            double seconds = (System.nanoTime() - start) / 1e9;
            rep.heading("Reproduction");
            rep.text(String.format(Locale.ROOT, "Preset %s, %d cells (%d computed in this run, %d read back from "
                    + "cells/), %d diverged. This run took %.0f s on %d threads. Each cell's result is stored in "
                    + "cells/<cell-id>.json; rerunning the command reuses them and recomputes nothing.",
                    preset.name(), cells.size(), o.ran(), o.reused(), o.diverged(), seconds, threads));
            Path index = rep.write(dir, format);
            done.add(new Done(e, index, o, rep.verdictList(), seconds));
            if (log != null) {
                log.println(e.id() + ": wrote " + index + String.format(Locale.ROOT, " (%.0f s)", seconds));
                log.flush();
            }
        }
        overview(done, preset, out, format);
        return done;
    }

    /** out/index.html: one link per experiment written so far (this run), with its verdicts. */
    static void overview(List<Done> done, Preset preset, Path out, ImageFormat format) {
        Report rep = new Report("softalign: reproduction of Cheon, Bae, Paik (2025)");
        rep.text("Reports of the experiments run by the last `softalign reproduce` into this folder (preset "
                + preset.name() + "). Figures 3 (gradient flow), 4 (flatness) and 5 (robustness) appear here once "
                + "their analyses exist.");
        StringColumn exp = StringColumn.create("experiment");
        StringColumn claim = StringColumn.create("claim");
        StringColumn outcome = StringColumn.create("reproduced");
        for (Done d : done) {
            rep.link(d.experiment().id() + "/index.html", d.experiment().title(), "");
            for (Verdict v : d.verdicts()) {
                exp.append(d.experiment().id());
                claim.append(v.claim());
                outcome.append(v.outcome().label());
            }
        }
        rep.table("verdicts", "All verdicts", "The rules and measured numbers are in each experiment's report.",
                Table.create("verdicts", exp, claim, outcome));
        rep.write(out, format);
    }
}
