/**
 * Reproduction of the paper's figures as sweeps of independent cells.
 *
 * <p>{@link dev.softalign.experiment.Experiment}: cells for a {@link dev.softalign.experiment.Preset},
 * an optional {@code analyze} of each trained network, and a report ending with verdicts.
 * {@link dev.softalign.experiment.Sweep} finds the cells still to compute in a
 * {@link dev.softalign.experiment.CellStore} (one run folder per cell, cells/&lt;id&gt;/, with the
 * trainer's files and result.json stamped with the {@link dev.softalign.experiment.CodeVersion}),
 * has an {@link dev.softalign.experiment.Engine} compute them ({@link dev.softalign.experiment.LocalEngine},
 * a thread pool; or Spark, loaded only when asked for) and records each result as it arrives; it
 * never reruns a stored cell and refuses stale ones unless asked. {@link dev.softalign.experiment.Reproduce}
 * drives experiments and writes the overview. Implemented: figure 1
 * ({@link dev.softalign.experiment.DepthExperiment}), figure 2
 * ({@link dev.softalign.experiment.TrainingExperiment}), figure 3
 * ({@link dev.softalign.experiment.GradflowExperiment}), figure 4
 * ({@link dev.softalign.experiment.FlatnessExperiment}) and figure 5
 * ({@link dev.softalign.experiment.RobustnessExperiment}). Every trained cell of every experiment
 * also carries a {@link dev.softalign.experiment.FlatnessProbe}, which
 * {@link dev.softalign.experiment.Generalization} reads across all cells (claim 4 as "flatter
 * minima, better generalization", out/generalization/).
 *
 * <p>Adding a figure: a class implementing Experiment whose {@code cells} are
 * {@link dev.softalign.experiment.Groups#conditions} (BP, FA, FA a=...) x seeds (or x a grid of a),
 * whose {@code analyze} measures {@code model.net()} and returns a record (its {@code measurement}
 * class: the records the commands print, e.g. {@link dev.softalign.analysis.GradientFlowReport},
 * grouped in a small record per experiment), which the cell stores in result.json and the figures
 * read by field, and whose {@code report} reads as a table of contents (claim, setup, one method per figure, table,
 * verdicts), each verdict decided by a {@link dev.softalign.report.VerdictRule}, whose criteria give both
 * the printed rule and the outcome; then one line in
 * {@link dev.softalign.experiment.Experiments#ALL} (and remove the figure from PLANNED).
 */
package dev.softalign.experiment;
