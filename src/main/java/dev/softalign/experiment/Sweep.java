package dev.softalign.experiment;

import dev.softalign.data.Split;
import dev.softalign.io.IoFailure;
import dev.softalign.io.Json;
import dev.softalign.nn.MatMul;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Runs an experiment's cells on a fixed pool of threads, within a budget of threads it splits
 * between cells at once and kernel threads per cell ({@link #budget}). Each finished cell is written at once
 * (atomically) to cellsDir/&lt;id&gt;.json; a cell whose file exists is read back, never rerun,
 * so an interrupted sweep resumes where it stopped. Results come back in the order of the cells,
 * whatever order the threads finish in.
 */
public final class Sweep {

    /** All results, and how many cells were computed now versus read back from earlier runs. */
    public record Outcome(List<CellResult> results, int ran, int reused, int diverged) {
    }

    private Sweep() {
    }

    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** How a sweep spends its threads: {@code cells} at once, each on a kernel of {@code kernelThreads}. */
    public record Budget(int cells, int kernelThreads) {

        @Override
        public String toString() {
            return cells + " at a time x " + kernelThreads + " kernel thread" + (kernelThreads == 1 ? "" : "s");
        }
    }

    /**
     * Splits {@code threads} so that cells x kernel threads <= threads: as many cells at once as
     * there are threads and cells to run (independent cells scale perfectly, a product split in two
     * does not), and the threads left over go to each cell's kernel, as when fewer cells than
     * cores remain. The split changes no bit of any result.
     */
    public static Budget budget(int threads, int cellsToRun) {
        int cells = Math.max(1, Math.min(threads, cellsToRun));
        return new Budget(cells, Math.max(1, threads / cells));
    }

    /** Runs the cells not yet stored within {@code threads} threads, split by {@link #budget}. */
    public static Outcome run(Experiment e, List<Cell> cells, Split data, Path cellsDir, int threads, PrintWriter out) {
        return run(e, cells, data, cellsDir, todo -> budget(threads, todo), out);
    }

    /** Runs the cells not yet stored with a split chosen by the caller (benchmarks of the split itself). */
    public static Outcome run(Experiment e, List<Cell> cells, Split data, Path cellsDir, Budget budget, PrintWriter out) {
        return run(e, cells, data, cellsDir, todo -> budget, out);
    }

    private static Outcome run(Experiment e, List<Cell> cells, Split data, Path cellsDir,
            java.util.function.IntFunction<Budget> split, PrintWriter out) {
        Set<String> ids = new HashSet<>();
        for (Cell c : cells) {
            if (!ids.add(c.id())) {
                throw new IllegalStateException(e.id() + ": two cells share the id " + c.id());
            }
        }
        CellResult[] results = new CellResult[cells.size()];
        List<Integer> todo = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            results[i] = stored(cellsDir.resolve(cells.get(i).id() + ".json"));
            if (results[i] == null) {
                todo.add(i);
            }
        }
        int reused = cells.size() - todo.size();
        Budget budget = split.apply(todo.size());
        Progress progress = new Progress(e.id(), cells.size(), reused, budget, out);
        ExecutorService pool = Executors.newFixedThreadPool(budget.cells());
        // One kernel per cell thread, reused by the cells that thread runs; idle kernel threads park.
        ThreadLocal<MatMul> kernels = ThreadLocal.withInitial(() -> MatMul.withThreads(budget.kernelThreads()));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i : todo) {
                Cell cell = cells.get(i);
                futures.add(pool.submit(() -> {
                    CellResult r = e.run(cell, data, kernels.get());
                    Json.write(cellsDir.resolve(cell.id() + ".json"), r);
                    results[i] = r;
                    progress.done(cell, r);
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    Throwable cause = ex.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(cause);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e.id() + ": interrupted; finished cells are kept");
                }
            }
        } finally {
            pool.shutdownNow();
            progress.close();
        }
        int diverged = 0;
        for (CellResult r : results) {
            diverged += r.diverged() ? 1 : 0;
        }
        return new Outcome(List.of(results), todo.size(), reused, diverged);
    }

    /** The stored result of a cell, or null if there is none (or it is unreadable: then it is recomputed). */
    static CellResult stored(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            CellResult r = Json.read(file, CellResult.class);
            return r.config == null || r.history == null ? null : r;
        } catch (IoFailure | com.google.gson.JsonParseException ex) {
            return null;
        }
    }

    /** done/total and time left: a bar on a terminal, one line per cell otherwise. */
    private static final class Progress {

        private final String name;
        private final int total;
        private final int reused;
        private final PrintWriter out;
        private final long start = System.nanoTime();
        private final ProgressBar bar;
        private int done;

        Progress(String name, int total, int reused, Budget budget, PrintWriter out) {
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
                out.println(name + ": " + total + " cells, " + reused + " already done" + (reused == total ? "" : ", running "
                        + (total - reused) + ", " + budget));
                out.flush();
            }
        }

        synchronized void done(Cell cell, CellResult r) {
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

        void close() {
            if (bar != null) {
                bar.close();
            }
        }

        static String duration(double seconds) {
            long s = Math.round(seconds);
            return s >= 60 ? (s / 60) + " min " + (s % 60) + " s" : s + " s";
        }
    }
}
