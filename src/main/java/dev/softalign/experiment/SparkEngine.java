package dev.softalign.experiment;

import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.io.Json;
import dev.softalign.nn.MatMul;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * Computes cells as Spark tasks: one single-task job per cell, so that each result reaches the
 * driver (and its folder) as soon as it is ready, and Spark's task retries cover a lost worker.
 * The data goes to the executors as a broadcast, so workers need only the jar; each task trains
 * into a temporary run folder and sends its files back, and only the driver writes cells and
 * reports. Loaded only for {@code --engine spark} (see {@link Engine#spark}).
 */
final class SparkEngine implements Engine {

    /**
     * Jobs in flight at once: each waits on a parked driver thread while Spark's scheduler queues
     * its task for a free core, so this only needs to exceed the cluster's cores.
     */
    private static final int MAX_JOBS = 512;

    private final JavaSparkContext sc;
    private Split shipped;
    private Broadcast<Data> broadcast;

    /** master null: spark-submit's master if there is one, else local mode on every core. */
    SparkEngine(String master) {
        String chosen = master != null ? master : System.getProperty("spark.master", "local[*]");
        if (chosen.startsWith("local")) {
            quietLog(); // before SparkConf, whose creation sets up Spark's logging
        }
        SparkConf conf = new SparkConf().setAppName("softalign reproduce");
        if (master != null) {
            conf.setMaster(master);
        }
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        if (conf.get("spark.master").startsWith("local")) {
            // Embedded: no web UI to start, and the driver on the loopback whatever the host name resolves to.
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        sc = new JavaSparkContext(SparkContext.getOrCreate(conf));
    }

    /** Spark logs every step at INFO; embedded, only its warnings matter (unless the user configured log4j). */
    private static void quietLog() {
        if (System.getProperty("log4j2.configurationFile") == null) {
            java.net.URL config = SparkEngine.class.getResource("spark-log4j2.properties");
            try {
                org.apache.logging.log4j.core.config.Configurator.reconfigure(config.toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public String describe() {
        return "Spark " + sc.master() + ", " + sc.defaultParallelism() + " task slots";
    }

    @Override
    public <M> void run(Experiment<M> e, List<Cell> cells, Split data, CellStore store,
            BiConsumer<Cell, CellResult<M>> done) {
        Broadcast<Data> b = broadcast(data);
        try {
            LocalEngine.forEach(e, cells, MAX_JOBS, cell -> {
                Function<String, Computed> task = task(e, b, store.folder(cell).toString());
                sc.setJobDescription(e.id() + " " + cell.id());
                Computed c;
                try {
                    c = sc.parallelize(List.of(Json.COMPACT.toJson(cell)), 1).map(task).collect().get(0);
                } catch (RuntimeException ex) {
                    throw new IllegalStateException(e.id() + ": cell " + cell.id() + " failed on Spark: " + firstLine(ex), ex);
                }
                store.put(cell, c.files());
                done.accept(cell, Json.COMPACT.fromJson(c.result(), CellResult.type(e.measurement())));
            });
        } finally {
            sc.cancelAllJobs();
        }
    }

    /** A static factory, so the function captures only what it needs (all serializable), never the engine. */
    private static Function<String, Computed> task(Experiment<?> e, Broadcast<Data> data, String folder) {
        return cellJson -> compute(e, Json.COMPACT.fromJson(cellJson, Cell.class), data.value().split(), folder);
    }

    /** Runs on an executor: the cell into a temporary run folder, whose files go back to the driver. */
    static Computed compute(Experiment<?> e, Cell cell, Split data, String folder) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("softalign-cell-");
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot create a temporary folder for cell " + cell.id(), ex);
        }
        try {
            // A task holds spark.task.cpus cores (1 by default): its kernel gets as many threads.
            org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
            CellResult<?> r = e.run(cell, data, tmp, MatMul.withThreads(task == null ? 1 : Math.max(1, task.cpus())));
            if (r.message != null) {
                // A diverged cell's message names its checkpoint: the driver's folder, not this executor's.
                r.message = r.message.replace(tmp.toString(), folder);
            }
            return new Computed(Json.COMPACT.toJson(r), new TreeMap<>(CellStore.files(tmp)));
        } finally {
            delete(tmp);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ex) {
            // A leftover temporary folder on an executor loses nothing.
        }
    }

    /** One broadcast per data set, reused by the experiments of a run. */
    private synchronized Broadcast<Data> broadcast(Split data) {
        if (shipped != data) {
            if (broadcast != null) {
                broadcast.destroy();
            }
            broadcast = sc.broadcast(new Data(data));
            shipped = data;
        }
        return broadcast;
    }

    private static String firstLine(Throwable t) {
        Throwable root = t instanceof SparkException || t.getCause() == null ? t : t.getCause();
        String m = root.getMessage() == null ? root.toString() : root.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    @Override
    public void close() {
        sc.stop();
    }

    /** What a task sends back: the result as JSON (exact for doubles) and the run folder's files. */
    record Computed(String result, TreeMap<String, byte[]> files) implements Serializable {
    }

    /** The preset's data in serializable form; executors rebuild the {@link Split} once per JVM. */
    static final class Data implements Serializable {

        private static final long serialVersionUID = 1L;
        private final Part train;
        private final Part test;
        private transient Split split;

        Data(Split s) {
            train = Part.of(s.train());
            test = Part.of(s.test());
        }

        /** One dataset: its doubles, or its 8-bit pixels (an eighth of the bytes to ship). */
        record Part(String name, int[] shape, int classes, double[] x, byte[] pixels, int[] labels) implements Serializable {

            static Part of(Dataset d) {
                return new Part(d.name(), d.shape(), d.classes(), d.pixels() == null ? d.x() : null, d.pixels(), d.labels());
            }

            Dataset dataset() {
                return pixels != null ? Dataset.ofPixels(name, shape, classes, pixels, labels)
                        : new Dataset(name, shape, classes, x, labels);
            }
        }

        synchronized Split split() {
            if (split == null) {
                split = new Split(train.dataset(), test.dataset());
            }
            return split;
        }
    }
}
