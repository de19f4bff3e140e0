package dev.softalign.experiment;

import dev.softalign.data.Split;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Where a sweep's cells are computed: {@link LocalEngine} on this machine's cores (the default),
 * {@link #spark} on a Spark cluster or Spark's local mode. An engine only computes; the
 * {@link Sweep} decides which cells need computing and records each result, on this machine.
 */
public interface Engine extends AutoCloseable {

    /** For progress lines and reports, e.g. "local, 2 cells at once". */
    String describe();

    /**
     * Computes the cells, leaving each one's run files in {@code store.folder(cell)}, and calls
     * {@code done} with each result as soon as it is ready (from any thread, one call per cell).
     * Returns when all are done; the first failure (other than a diverged cell, which is a result)
     * is thrown.
     */
    <M> void run(Experiment<M> experiment, List<Cell> cells, Split data, CellStore store,
            BiConsumer<Cell, CellResult<M>> done);

    @Override
    void close();

    /**
     * The Spark engine: master null starts Spark embedded in local mode on this machine's cores;
     * under spark-submit the master comes from it. Spark is loaded only here, so the default
     * path never pays for it; without Spark's jars on the class path this is a one-line error.
     */
    static Engine spark(String master) {
        try {
            return (Engine) Class.forName("dev.softalign.experiment.SparkEngine").getDeclaredConstructor(String.class)
                    .newInstance(master);
        } catch (NoClassDefFoundError | ClassNotFoundException e) {
            throw new IllegalArgumentException("--engine spark: Spark is not on the class path; run through ./softalign "
                    + "(which adds target/spark-classpath.txt) or spark-submit");
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof NoClassDefFoundError) {
                throw new IllegalArgumentException("--engine spark: Spark is not on the class path; run through "
                        + "./softalign (which adds target/spark-classpath.txt) or spark-submit");
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
