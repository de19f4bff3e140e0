package dev.softalign.experiment;

import dev.softalign.data.Split;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs an experiment's cells: finds which are done in its {@link CellStore}, has an
 * {@link Engine} compute the others, and records each result as it arrives, so an interrupted
 * sweep resumes where it stopped. Results come back in the order of the cells, whatever order
 * they finish in. Cells computed by other code are stale: the sweep refuses to run beside them
 * unless asked to recompute them.
 */
public final class Sweep {

    /** All results, and how many cells were computed now versus read back from earlier runs. */
    public record Outcome<M>(List<CellResult<M>> results, int ran, int reused, int diverged) {
    }

    /** What a sweep finds before computing anything: stored results (null where none) and the cells to compute. */
    public record Plan<M>(Experiment<M> experiment, List<Cell> cells, CellStore store, List<CellResult<M>> stored,
            List<Cell> missing, List<Cell> stale) {

        int reusable() {
            return cells.size() - missing.size() - stale.size();
        }
    }

    private Sweep() {
    }

    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** How a sweep spends its threads: {@code cells} at once, each on a kernel of {@code kernelThreads}. */
    public record Budget(int cells, int kernelThreads) {

        public Budget {
            if (cells < 1 || kernelThreads < 1) {
                throw new IllegalArgumentException("a sweep needs at least 1 cell at once on 1 kernel thread, got "
                        + cells + " x " + kernelThreads);
            }
        }

        @Override
        public String toString() {
            return cells + (cells == 1 ? " cell" : " cells") + " at once x " + kernelThreads + " kernel thread"
                    + (kernelThreads == 1 ? "" : "s");
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

    public static <M> Plan<M> plan(Experiment<M> e, List<Cell> cells, CellStore store) {
        Set<String> ids = new HashSet<>();
        for (Cell c : cells) {
            if (!ids.add(c.id())) {
                throw new IllegalStateException(e.id() + ": two cells share the id " + c.id());
            }
        }
        List<CellResult<M>> stored = new ArrayList<>();
        List<Cell> missing = new ArrayList<>();
        List<Cell> stale = new ArrayList<>();
        for (Cell c : cells) {
            CellResult<M> r = store.read(c, e.measurement());
            switch (store.state(r)) {
                case DONE -> stored.add(r);
                case MISSING -> {
                    stored.add(null);
                    missing.add(c);
                }
                case STALE -> {
                    stored.add(null);
                    stale.add(c);
                }
            }
        }
        return new Plan<>(e, cells, store, stored, missing, stale);
    }

    /**
     * Refuses, in one line, to run beside cells from other code unless rerunStale: a report must
     * never mix numbers from two versions of the code without saying so.
     */
    public static void checkStale(List<? extends Plan<?>> plans, boolean rerunStale) {
        int stale = 0;
        List<String> where = new ArrayList<>();
        for (Plan<?> p : plans) {
            if (!p.stale().isEmpty()) {
                stale += p.stale().size();
                where.add(p.store().dir() + " " + p.stale().size() + " of " + p.cells().size());
            }
        }
        if (stale > 0 && !rerunStale) {
            throw new IllegalArgumentException(stale + (stale == 1 ? " cell was" : " cells were") + " computed by other "
                    + "code than this build (" + plans.get(0).store().code() + "): " + String.join(", ", where)
                    + "; recompute them with --rerun-stale, or choose another --out");
        }
    }

    public static <M> Outcome<M> run(Plan<M> plan, Split data, Engine engine, boolean rerunStale, PrintWriter out) {
        checkStale(List.of(plan), rerunStale);
        Experiment<M> e = plan.experiment();
        CellStore store = plan.store();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < plan.cells().size(); i++) {
            index.put(plan.cells().get(i).id(), i);
        }
        List<CellResult<M>> results = new ArrayList<>(plan.stored());
        List<Cell> todo = new ArrayList<>();
        for (Cell c : plan.cells()) {
            if (results.get(index.get(c.id())) == null) {
                todo.add(c);
                store.begin(c);
            }
        }
        int reused = plan.reusable();
        if (out != null && !plan.stale().isEmpty()) {
            out.println(e.id() + ": recomputing " + plan.stale().size() + " stale cells (computed by other code)");
        }
        try (Progress progress = new Progress(e.id(), plan.cells().size(), reused, engine.describe(), out)) {
            if (!todo.isEmpty()) {
                engine.run(e, todo, data, store, (cell, r) -> {
                    if (!store.code().equals(r.code)) {
                        throw new IllegalStateException(e.id() + ": cell " + cell.id() + " was computed by code " + r.code
                                + ", not this build's " + store.code() + "; run the same jar (and kernel) everywhere");
                    }
                    store.finish(cell, r);
                    results.set(index.get(cell.id()), r);
                    progress.done(cell, r);
                });
            }
        }
        int diverged = 0;
        for (CellResult<M> r : results) {
            diverged += r.diverged() ? 1 : 0;
        }
        return new Outcome<>(List.copyOf(results), todo.size(), reused, diverged);
    }
}
