package dev.softalign.experiment;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A sweep's done/total and time left: a bar on a terminal, one line per finished cell otherwise. */
final class Progress implements AutoCloseable {

    private final String name;
    private final int total;
    private final int reused;
    private final PrintWriter out;
    private final long start = System.nanoTime();
    private final ProgressBar bar;
    private int done;

    Progress(String name, int total, int reused, String engine, PrintWriter out) {
        this.name = name;
        this.total = total;
        this.reused = reused;
        this.out = out;
        this.done = reused;
        boolean terminal = System.console() != null && out != null;
        bar = terminal && reused < total ? new ProgressBarBuilder().setTaskName(name).setInitialMax(total)
                .startsFrom(reused, java.time.Duration.ZERO).setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500).continuousUpdate().build() : null;
        if (out != null) {
            out.println(name + ": " + total + " cells, " + reused + " already done" + (reused == total ? ""
                    : ", computing " + (total - reused) + " (" + engine + ")"));
            out.flush();
        }
    }

    synchronized void done(Cell cell, CellResult<?> r) {
        done++;
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(cell.id() + (r.diverged() ? " diverged" : ""));
            return;
        }
        if (out == null) {
            return;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        int ranNow = done - reused;
        double left = elapsed / ranNow * (total - done);
        out.println(String.format(Locale.ROOT, "%s: %d/%d %s %s, %.0f s elapsed, about %s left", name, done, total,
                cell.id(), r.diverged() ? "diverged" : String.format(Locale.ROOT, "test accuracy %.4f",
                        r.last() == null ? Double.NaN : r.last().testAccuracy()), elapsed, duration(left)));
        out.flush();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
    }
}
