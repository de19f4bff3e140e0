package dev.softalign.attack;

import dev.softalign.nn.MatMul;

import java.util.SplittableRandom;

/**
 * Projected gradient descent (Madry et al. 2018) under a norm: optional random start in the ball,
 * steps of alpha along the norm's steepest-ascent direction, projection to the eps-ball, then
 * clipping to [0,1]. With several restarts each sample keeps its worst case: the first restart
 * that breaks it (judged on the source model) wins, otherwise the last.
 */
public final class Pgd extends Attack {

    /** Default step size alpha = ALPHA_FACTOR * eps / steps (Madry et al.; torchattacks' 2.5 eps / steps). */
    public static final double ALPHA_FACTOR = 2.5;

    private final Norm norm;
    private final double alpha;
    private final int steps;
    private final int restarts;
    private final boolean randomStart;

    public Pgd(GradientSource source, Norm norm, double alpha, int steps, int restarts, boolean randomStart) {
        super(source);
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("--alpha must be positive, got " + alpha);
        }
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        if (restarts < 1) {
            throw new IllegalArgumentException("--restarts must be >= 1, got " + restarts);
        }
        this.norm = norm;
        this.alpha = alpha;
        this.steps = steps;
        this.restarts = restarts;
        this.randomStart = randomStart;
    }

    /**
     * The default step size for eps and steps: large enough to cross the ball in fewer than the
     * given steps (reaching the corners FGSM jumps to), small enough to refine near the boundary.
     */
    public static double defaultAlpha(double eps, int steps) {
        return ALPHA_FACTOR * eps / steps;
    }

    /** The one-step version of this attack at eps (FGSM under L-inf, FGM under L2): the baseline PGD must beat. */
    public static Pgd oneStep(GradientSource source, Norm norm, double eps) {
        return new Pgd(source, norm, eps > 0 ? eps : Double.MIN_NORMAL, 1, 1, false);
    }

    @Override
    public String name() {
        return norm == Norm.LINF ? "pgd" : "pgd-" + norm.id();
    }

    @Override
    public Norm norm() {
        return norm;
    }

    public double alpha() {
        return alpha;
    }

    public int steps() {
        return steps;
    }

    public int restarts() {
        return restarts;
    }

    public boolean randomStart() {
        return randomStart;
    }

    @Override
    protected double[] run(double[] x, int[] labels, int[] targets, double eps, SplittableRandom rng) {
        int n = labels.length;
        int f = source.features();
        double[] best = null;
        boolean[] broken = new boolean[n];
        int[] predicted = new int[n];
        double[] xa = new double[x.length];
        for (int r = 0; r < restarts; r++) {
            if (randomStart) {
                norm.randomStart(xa, x, eps, n, f, rng);
                Norm.clip(xa);
            } else {
                System.arraycopy(x, 0, xa, 0, x.length);
            }
            // Samples do not interact: the step, a memory-bound pass, is cut among the model's kernel threads.
            MatMul kernel = source.net().kernel();
            int parts = kernel.parts(x.length, n);
            for (int s = 0; s < steps; s++) {
                double[] g = objectiveGradient(xa, labels, targets, null);
                kernel.forEachPart(parts, t -> norm.ascend(xa, g, alpha, x, eps, f,
                        MatMul.partStart(n, parts, t), MatMul.partStart(n, parts, t + 1)));
            }
            if (restarts == 1) {
                return xa;
            }
            source.predict(xa, predicted);
            if (best == null) {
                best = xa.clone();
                for (int j = 0; j < n; j++) {
                    broken[j] = success(predicted[j], labels[j], targets, j);
                }
                continue;
            }
            for (int j = 0; j < n; j++) {
                if (!broken[j]) {
                    System.arraycopy(xa, j * f, best, j * f, f);
                    broken[j] = success(predicted[j], labels[j], targets, j);
                }
            }
        }
        return best;
    }
}
