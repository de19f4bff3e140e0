package dev.softalign.experiment;

import dev.softalign.data.Split;
import dev.softalign.nn.MatMul;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Computes cells on a fixed pool of threads of this JVM, each straight into its folder, within a
 * budget of threads split between cells at once and kernel threads per cell ({@link Sweep#budget}).
 */
public final class LocalEngine implements Engine {

    private final int threads;
    /** A split fixed by the caller (benchmarks of the split itself), or null: {@link Sweep#budget} per run. */
    private final Sweep.Budget fixed;

    /** threads: the budget, cells at once x kernel threads per cell. */
    public LocalEngine(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.fixed = null;
    }

    /** Always this split, whatever the number of cells. */
    public LocalEngine(Sweep.Budget split) {
        this.threads = split.cells() * split.kernelThreads();
        this.fixed = split;
    }

    @Override
    public String describe() {
        return "local, " + (fixed != null ? fixed.toString()
                : threads + (threads == 1 ? " thread" : " threads") + " (cells at once x kernel threads per cell)");
    }

    @Override
    public <M> void run(Experiment<M> e, List<Cell> cells, Split data, CellStore store,
            BiConsumer<Cell, CellResult<M>> done) {
        Sweep.Budget split = fixed != null ? fixed : Sweep.budget(threads, cells.size());
        // One kernel per cell thread, reused by the cells that thread runs; idle kernel threads park.
        ThreadLocal<MatMul> kernels = ThreadLocal.withInitial(() -> MatMul.withThreads(split.kernelThreads()));
        forEach(e, cells, split.cells(), cell -> done.accept(cell, e.run(cell, data, store.folder(cell), kernels.get())));
    }

    /**
     * Runs work for every cell on a fixed pool of at most threads threads and waits for all of
     * them (waiting threads park); the first failure is rethrown and the remaining work cancelled.
     */
    static void forEach(Experiment<?> e, List<Cell> cells, int threads, Consumer<Cell> work) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, cells.size())));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Cell cell : cells) {
                futures.add(pool.submit(() -> work.accept(cell)));
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
        }
    }

    @Override
    public void close() {
    }
}
