package dev.softalign.experiment;

import dev.softalign.data.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;

/** Computes cells on a fixed pool of threads of this JVM, each straight into its folder. */
public final class LocalEngine implements Engine {

    private final int threads;

    /** threads: cells computed at once. */
    public LocalEngine(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    @Override
    public String describe() {
        return "local, " + threads + (threads == 1 ? " cell" : " cells") + " at once";
    }

    @Override
    public void run(Experiment e, List<Cell> cells, Split data, CellStore store, BiConsumer<Cell, CellResult> done) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, cells.size())));
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Cell cell : cells) {
                futures.add(pool.submit(() -> done.accept(cell, e.run(cell, data, store.folder(cell)))));
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
