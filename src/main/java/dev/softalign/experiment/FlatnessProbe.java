package dev.softalign.experiment;

import dev.softalign.analysis.Hessian;
import dev.softalign.analysis.Hutchinson;
import dev.softalign.analysis.Lanczos;
import dev.softalign.analysis.Sharpness;
import dev.softalign.data.Dataset;
import dev.softalign.nn.Evaluation;
import dev.softalign.nn.Mlp;

/**
 * The cheap flatness probe every trained cell of every experiment carries, so that "flatter minima,
 * better generalization" can be read across all cells ({@link Generalization}): on the first
 * analysis-subset samples of the training set, the subset's loss and accuracy (the train side of
 * the generalization gap), the top Hessian eigenvalue (Lanczos), the Hessian trace (Hutch++, as the
 * {@code hessian} command computes it by default) and Keskar's epsilon-sharpness. Budgets are small
 * so the probe costs little next to training the cell; the flatness experiment's figure 4 measures
 * the same quantities with larger budgets.
 *
 * @param samples size of the subset probed
 * @param subsetLoss mean cross-entropy on the subset
 * @param subsetAccuracy accuracy on the subset
 * @param topEigenvalue largest Hessian eigenvalue
 * @param topConverged whether Lanczos met its tolerance within its steps
 * @param trace Hutch++ estimate of the Hessian trace
 * @param traceStderr its standard error
 * @param sharpness Keskar's epsilon-sharpness (eps {@link Sharpness#DEFAULT_EPS}, {@link #SHARPNESS_STEPS} steps)
 * @param seconds wall time of the probe (not a result proper, like a cell's own seconds)
 */
public record FlatnessProbe(int samples, double subsetLoss, double subsetAccuracy, double topEigenvalue,
        boolean topConverged, double trace, double traceStderr, double sharpness, double seconds) {

    /** Lanczos: relative residual tolerance and most steps; enough to rank cells, not to quote 6 digits. */
    static final double TOL = 1e-2;
    static final int MAX_STEPS = 10;
    /**
     * Hutch++ sketch columns (2 x sketch products): the method the hessian command uses by default,
     * whose sketch takes out the few outlying eigenvalues that dominate plain Hutchinson's variance,
     * on a smaller budget (its sketch is 20 columns, 40 products).
     */
    static final int TRACE_SKETCH = 3;
    /** Rademacher probes after the sketch. */
    static final int TRACE_MIN = 3;
    static final int TRACE_MAX = 3;
    static final double TRACE_TARGET = 0.05;
    /** Sign-gradient ascent steps of the sharpness (the flatness command's default is {@link Sharpness#DEFAULT_STEPS}). */
    static final int SHARPNESS_STEPS = 3;

    /** Probes a trained network (on a float64 kernel) on a training subset, seeded by the cell's seed. */
    public static FlatnessProbe measure(Mlp net, Dataset subset, long seed) {
        long start = System.nanoTime();
        Evaluation e = Evaluation.of(net, subset);
        Hessian h = Hessian.of(net, subset);
        Lanczos.Result top = Lanczos.create().top(1).tol(TOL).maxSteps(MAX_STEPS).seed(seed).run(h);
        Hutchinson.Trace t = Hutchinson.create().sketch(TRACE_SKETCH).minSamples(TRACE_MIN).maxSamples(TRACE_MAX)
                .target(TRACE_TARGET).seed(seed).run(h);
        Sharpness.Result s = Sharpness.create().steps(SHARPNESS_STEPS).run(net, subset);
        return new FlatnessProbe(subset.size(), e.loss(), e.accuracy(), top.top()[0], top.converged(), t.mean(),
                t.stderr(), s.sharpness(), (System.nanoTime() - start) / 1e9);
    }
}
