package dev.softalign.attack;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Auto-PGD (Croce and Hein 2020, "Reliable evaluation of adversarial robustness with an ensemble of
 * diverse parameter-free attacks"), the two parts of AutoAttack that need no extra model: APGD on the
 * cross-entropy (apgd-ce) and APGD on the targeted difference-of-logits-ratio loss over the top
 * classes (apgd-t). Both are untargeted in outcome: a sample is broken when it is misclassified.
 *
 * <p>It follows AutoAttack's autopgd_base.py decision for decision (TorchFixtureTest-style oracle in
 * ApgdTorchTest): a start on the surface of the eps-ball, step size 2 eps per sample, momentum 0.75
 * (none on the first step), projection to the ball and clipping to [0,1] after the plain step and
 * after the momentum step; checkpoints at fractions of the N steps (the first after
 * max(floor(0.22 N), 1) steps, the intervals then shrinking by max(floor(0.03 N), 1) down to
 * max(floor(0.06 N), 1)); at each checkpoint a
 * sample halves its step size and restarts from its best point when at most rho = 0.75 of the steps
 * since the last checkpoint raised its loss, or when its step size was not halved at the last
 * checkpoint and its best loss has not risen since. Restarts and target classes only attack the
 * samples every earlier run left correctly classified; a sample no run broke is returned unchanged.
 *
 * <p>One quirk of the reference is kept so the schedules agree: the loss history is a zeroed array
 * indexed from the end when the first checkpoint looks one step before the first, so the first step's
 * loss is compared with 0 rather than with the loss at the start.
 */
public final class Apgd extends Attack {

    /** Which loss the attack ascends. */
    public enum Objective {
        /** Cross-entropy of the true label. */
        CE("apgd-ce", LogitLoss.CROSS_ENTROPY),
        /** Targeted DLR toward each of the top classes in turn. */
        DLR_TARGETED("apgd-t", LogitLoss.DLR_TARGETED);

        final String id;
        final LogitLoss loss;

        Objective(String id, LogitLoss loss) {
            this.id = id;
            this.loss = loss;
        }
    }

    /** Fraction of loss-raising steps at or below which a checkpoint halves the step (AutoAttack's rho). */
    public static final double RHO = 0.75;
    /** Weight of the new step against the previous one (AutoAttack's alpha; 1 on the first step). */
    public static final double MOMENTUM = 0.75;
    /** AutoAttack's default number of target classes for APGD-T (all others for 10 classes). */
    public static final int TARGET_CLASSES = 9;
    /** Initial step size, in units of eps. */
    static final double INITIAL_STEP = 2;

    /** Where the random start comes from: AutoAttack's noise per run and sample, drawn from rng by default. */
    interface StartNoise {
        /** The noise t for sample j (index in the batch) of run r, f values, before it is scaled onto the ball's surface. */
        void fill(int run, int j, double[] t);
    }

    private final Norm norm;
    private final Objective objective;
    private final int steps;
    private final int restarts;
    private final int targetClasses;
    private StartNoise noise;

    /**
     * APGD with the given loss, steps per run and restarts; targetClasses is the number of top
     * classes APGD-T tries (ignored for CE; capped at classes - 1).
     */
    public Apgd(GradientSource source, Norm norm, Objective objective, int steps, int restarts, int targetClasses) {
        super(source);
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        if (restarts < 1) {
            throw new IllegalArgumentException("--restarts must be >= 1, got " + restarts);
        }
        if (targetClasses < 1) {
            throw new IllegalArgumentException("target classes must be >= 1, got " + targetClasses);
        }
        int classes = source.net().outputSize();
        if (objective == Objective.DLR_TARGETED && classes < 4) {
            throw new IllegalArgumentException("apgd-t needs at least 4 classes (its DLR loss uses the 4 largest logits), "
                    + "the model has " + classes);
        }
        this.norm = norm;
        this.objective = objective;
        this.steps = steps;
        this.restarts = restarts;
        this.targetClasses = Math.min(targetClasses, classes - 1);
    }

    /** Replaces the random start's noise (tests that replay AutoAttack's own draws). */
    Apgd startNoise(StartNoise s) {
        noise = s;
        return this;
    }

    @Override
    public String name() {
        return norm == Norm.LINF ? objective.id : objective.id + "-" + norm.id();
    }

    @Override
    public Norm norm() {
        return norm;
    }

    public Objective objective() {
        return objective;
    }

    public int steps() {
        return steps;
    }

    public int restarts() {
        return restarts;
    }

    /** Target classes APGD-T tries per sample (the model's classes - 1 at most). */
    public int targetClasses() {
        return targetClasses;
    }

    /** Gradient evaluations per sample at most: (steps + 1) per run, runs = restarts (x target classes for APGD-T). */
    public long budget() {
        return (long) (steps + 1) * restarts * (objective == Objective.CE ? 1 : targetClasses);
    }

    @Override
    protected double[] run(double[] x, int[] labels, int[] targets, double eps, SplittableRandom rng) {
        if (targets != null) {
            throw new IllegalArgumentException(name() + " is untargeted (APGD-T picks its own target classes): "
                    + "drop --targeted/--target-class");
        }
        int n = labels.length;
        int f = source.features();
        int classes = source.net().outputSize();
        double[] z = source.logits(x, n);
        boolean[] robust = new boolean[n];
        for (int j = 0; j < n; j++) {
            robust[j] = argmax(z, j * classes, classes) == labels[j];
        }
        double[] adv = x.clone();
        int runs = objective == Objective.CE ? restarts : restarts * targetClasses;
        double[] t = new double[f];
        double[] zero = new double[f];
        for (int r = 0; r < runs; r++) {
            int m = 0;
            for (boolean b : robust) {
                m += b ? 1 : 0;
            }
            if (m == 0) {
                break;
            }
            // The samples still standing, and for APGD-T the (2 + r / restarts)-th largest clean logit as target.
            int[] idx = new int[m];
            double[] xs = new double[m * f];
            double[] start = new double[m * f];
            int[] ys = new int[m];
            int[] ts = objective == Objective.CE ? null : new int[m];
            for (int j = 0, k = 0; j < n; j++) {
                if (!robust[j]) {
                    continue;
                }
                idx[k] = j;
                ys[k] = labels[j];
                System.arraycopy(x, j * f, xs, k * f, f);
                if (ts != null) {
                    ts[k] = ranked(z, j * classes, classes, 2 + r / restarts);
                }
                if (noise != null) {
                    noise.fill(r, j, t);
                } else {
                    for (int i = 0; i < f; i++) {
                        t[i] = norm == Norm.LINF ? rng.nextDouble(-1, 1) : rng.nextGaussian();
                    }
                }
                double length = norm.distance(t, zero, 0, f) + 1e-12;
                for (int i = 0; i < f; i++) {
                    start[k * f + i] = Math.max(0, Math.min(1, xs[k * f + i] + eps * (t[i] / length)));
                }
                k++;
            }
            boolean[] broken = new boolean[m];
            double[] found = single(xs, ys, ts, start, eps, broken);
            for (int k = 0; k < m; k++) {
                if (broken[k]) {
                    robust[idx[k]] = false;
                    System.arraycopy(found, k * f, adv, idx[k] * f, f);
                }
            }
        }
        return adv;
    }

    /**
     * One run of APGD from {@code start} on m samples (autopgd_base.py's attack_single_run): the
     * first point found that is misclassified, per sample, flagged in broken (else the start).
     */
    private double[] single(double[] x, int[] y, int[] t, double[] start, double eps, boolean[] broken) {
        int m = y.length;
        int f = source.features();
        LogitLoss loss = objective.loss;
        int k = Math.max((int) (0.22 * steps), 1);
        int kMin = Math.max((int) (0.06 * steps), 1);
        int decrease = Math.max((int) (0.03 * steps), 1);

        double[] xa = start.clone();
        double[] grad = new double[m * f];
        double[] losses = new double[m];
        int[] predicted = new int[m];
        source.gradient(xa, y, t, loss, grad, losses, predicted);
        double[] xBest = xa.clone();
        double[] xBestAdv = xa.clone();
        double[] gradBest = grad.clone();
        double[] lossBest = losses.clone();
        for (int j = 0; j < m; j++) {
            broken[j] = predicted[j] != y[j];
        }
        double[] stepSize = new double[m];
        Arrays.fill(stepSize, INITIAL_STEP * eps);
        double[] xOld = xa.clone();
        double[][] history = new double[steps][m];
        double[] lossBestLastCheck = lossBest.clone();
        boolean[] reducedLastCheck = new boolean[m];
        Arrays.fill(reducedLastCheck, true);
        double[] x1 = new double[m * f];
        int sinceCheck = 0;

        for (int i = 0; i < steps; i++) {
            double a = i > 0 ? MOMENTUM : 1.0;
            // z = P(x_i + eta sign/normalised grad); x_{i+1} = P(x_i + a (z - x_i) + (1 - a)(x_i - x_{i-1})).
            System.arraycopy(xa, 0, x1, 0, x1.length);
            norm.step(x1, grad, stepSize, m, f);
            norm.project(x1, x, eps, m, f);
            Norm.clip(x1);
            for (int q = 0; q < x1.length; q++) {
                x1[q] = xa[q] + (x1[q] - xa[q]) * a + (xa[q] - xOld[q]) * (1 - a);
            }
            norm.project(x1, x, eps, m, f);
            Norm.clip(x1);
            double[] swap = xOld;
            xOld = xa;
            xa = x1;
            x1 = swap;

            source.gradient(xa, y, t, loss, grad, losses, predicted);
            for (int j = 0; j < m; j++) {
                if (predicted[j] != y[j]) {
                    broken[j] = true;
                    System.arraycopy(xa, j * f, xBestAdv, j * f, f);
                }
                history[i][j] = losses[j];
                if (losses[j] > lossBest[j]) {
                    System.arraycopy(xa, j * f, xBest, j * f, f);
                    System.arraycopy(grad, j * f, gradBest, j * f, f);
                    lossBest[j] = losses[j];
                }
            }
            if (++sinceCheck < k) {
                continue;
            }
            for (int j = 0; j < m; j++) {
                int raised = 0;
                for (int s = 0; s < k; s++) {
                    int before = i - s - 1;
                    raised += history[i - s][j] > history[before < 0 ? steps + before : before][j] ? 1 : 0;
                }
                boolean oscillating = raised <= k * RHO;
                boolean stalled = !reducedLastCheck[j] && lossBestLastCheck[j] >= lossBest[j];
                boolean reduce = oscillating || stalled;
                reducedLastCheck[j] = reduce;
                lossBestLastCheck[j] = lossBest[j];
                if (reduce) {
                    stepSize[j] /= 2;
                    System.arraycopy(xBest, j * f, xa, j * f, f);
                    System.arraycopy(gradBest, j * f, grad, j * f, f);
                }
            }
            k = Math.max(k - decrease, kMin);
            sinceCheck = 0;
        }
        return xBestAdv;
    }

    /** Index of the rank-th largest of the logits at z[offset .. offset + classes) (rank 1: the argmax). */
    static int ranked(double[] z, int offset, int classes, int rank) {
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        // Ascending and stable, then counted from the end: torch's sort(dim=1)[1][:, -rank] for distinct logits.
        Arrays.sort(order, (p, q) -> Double.compare(z[offset + p], z[offset + q]));
        return order[classes - rank];
    }

    static int argmax(double[] z, int offset, int classes) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (z[offset + c] > z[offset + best]) {
                best = c;
            }
        }
        return best;
    }
}
