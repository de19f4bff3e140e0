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
 * {@link #analyze} (measure the trained network, put the numbers into the result's scalars or
 * arrays) and {@link #report} (figures from those numbers: {@link dev.softalign.report.Lines},
 * {@link dev.softalign.report.Density}, ...; verdicts by a stated rule), then list the class in
 * {@link Experiments#ALL}.
 *
 * <p>Experiments are serializable (stateless classes) so that Spark can send one to its executors.
 */
public interface Experiment extends Serializable {

    /** Folder and command-line name, e.g. "depth". */
    String id();

    /** Which figure of the paper, e.g. "1". */
    String figure();

    String title();

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
    default CellResult run(Cell cell, Split data, Path folder, MatMul kernel) {
        String probe = cell.tags().get(Training.PROBE_TAG);
        Training.Trained t = Training.train(cell, data, folder, probe == null ? 0 : Integer.parseInt(probe), kernel);
        if (!t.result().diverged()) {
            // Analyses compute in float64: a float32 network is widened, exactly, onto the cell's budget.
            t.model().net().kernel(kernel.withDtype(dev.softalign.nn.Dtype.F64));
            analyze(cell, data, t.model(), t.result());
        }
        return t.result();
    }

    /**
     * Measures a trained (not diverged) network, e.g. its top Hessian eigenvalue or its accuracy
     * under attack, and stores the numbers in {@code result.scalars} / {@code result.arrays}.
     * Runs on a pool thread; the model is this cell's own, on the cell's kernel
     * ({@code model.net().kernel()}): a network built here should use it too. Training alone:
     * nothing to add.
     */
    default void analyze(Cell cell, Split data, TrainedModel model, CellResult result) {
    }

    /** The report from every cell's result (in the order of {@link #cells}); ends with verdicts. */
    Report report(Preset preset, Split data, List<CellResult> results);
}
