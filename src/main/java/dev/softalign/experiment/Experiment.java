package dev.softalign.experiment;

import dev.softalign.data.Split;
import dev.softalign.report.Report;
import java.util.List;

/**
 * A figure of the paper reproduced as a sweep of independent cells. The runner
 * ({@link Sweep}) trains/analyses the cells in parallel, stores each result and skips cells
 * already done; the experiment then turns all results into a report ending with a verdict table.
 *
 * <p>To add a figure: implement this (usually: {@link #cells} from the preset, {@link #run}
 * = {@link Training#train} followed by an analysis of {@code trained.net()} whose numbers go
 * into the result's scalars/arrays, and {@link #report} that builds figures from those numbers)
 * and list it in {@link Experiments#ALL}.
 */
public interface Experiment {

    /** Folder and command-line name, e.g. "depth". */
    String id();

    /** Which figure of the paper, e.g. "1". */
    String figure();

    String title();

    /** The sweep for a preset; ids must be unique. */
    List<Cell> cells(Preset preset);

    /**
     * Computes one cell. Runs on a pool thread, concurrently with other cells: use only the cell's
     * own objects (the data is shared read-only). A {@link dev.softalign.learn.TrainingDiverged}
     * thrown here is recorded as a diverged cell.
     */
    default CellResult run(Cell cell, Split data) {
        return Training.train(cell, data, 0).result();
    }

    /** The report from every cell's result (in the order of {@link #cells}); ends with verdicts. */
    Report report(Preset preset, Split data, List<CellResult> results);
}
