package dev.softalign.experiment;

import dev.softalign.data.Split;
import dev.softalign.learn.TrainedModel;
import dev.softalign.nn.MatMul;
import dev.softalign.report.Report;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * A figure of the paper reproduced as a sweep of independent cells. The runner
 * ({@link Sweep}) trains/analyses the cells in parallel, stores each result and skips cells
 * already done; the experiment then turns all results into a report ending with a verdict table.
 *
 * <p>To add a figure: implement {@link #cells} (e.g. {@link Groups#conditions} x seeds),
 * {@link #analyze} (measure the trained network and return the measurement, a record, often the
 * one the matching command prints), {@link #measurement} (that record's class) and {@link #report}
 * (figures reading the records' fields: {@link dev.softalign.report.Lines},
 * {@link dev.softalign.report.Density}, ...; verdicts by a {@link dev.softalign.report.VerdictRule}),
 * then list the class in {@link Experiments#ALL}. An analysis that watches training (a per-epoch
 * measurement) overrides {@link #run} and passes its {@link dev.softalign.learn.TrainingListener}
 * to {@link Training#train}.
 *
 * <p>Experiments are serializable (stateless classes) so that Spark can send one to its executors.
 *
 * @param <M> the measurement a cell stores
 */
public interface Experiment<M> extends Serializable {

    /** Folder and command-line name, e.g. "depth". */
    String id();

    /** Which figure of the paper, e.g. "1". */
    String figure();

    String title();

    /**
     * The class of what {@link #analyze} returns, by which result.json is read back; {@code Void}
     * for an experiment whose cells are only trained.
     */
    Class<M> measurement();

    /** The sweep for a preset; ids must be unique. */
    List<Cell> cells(Preset preset);

    /**
     * Computes one cell, writing its run files (config.json, metrics.csv, model.safetensors, ...)
     * into folder. Runs on a pool thread or a Spark executor, concurrently with other cells: use
     * only the cell's own objects (the data is shared read-only). The engine gives the cell its
     * kernel, its share of the cores; the network is built on it, so {@link #analyze}, which works
     * on that network and its copies, uses it too. A {@link dev.softalign.learn.TrainingDiverged}
     * thrown here is recorded as a diverged cell.
     */
    default CellResult<M> run(Cell cell, Split data, Path folder, MatMul kernel) {
        Training.Trained<M> t = Training.train(cell, data, folder, kernel);
        if (!t.result().diverged()) {
            t.result().measured = analyze(cell, data, Training.forAnalysis(t.model(), kernel));
        }
        return t.result();
    }

    /**
     * Measures a trained (not diverged) network, e.g. its top Hessian eigenvalue or its accuracy
     * under attack, and returns the measurement the cell stores. Runs on a pool thread; the model
     * is this cell's own, on the cell's kernel ({@code model.net().kernel()}): a network built here
     * should use it too. Training alone: nothing to measure (null).
     */
    default M analyze(Cell cell, Split data, TrainedModel model) {
        return null;
    }

    /** The report from every cell's result (in the order of {@link #cells}); ends with verdicts. */
    Report report(Preset preset, Split data, List<CellResult<M>> results);
}
