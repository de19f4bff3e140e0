package dev.softalign.attack;

import java.util.SplittableRandom;

/**
 * An evasion attack on inputs in [0,1] (torchattacks/Foolbox shape): the base class owns the
 * gradient source (the model attacked, or a surrogate for transfer attacks), clipping and
 * targeting; each attack implements {@link #run} only.
 *
 * <p>Untargeted attacks ascend CE(x, label); targeted attacks descend CE(x, target), which this
 * class turns into ascent by negating the gradient, so every attack simply climbs {@link #objectiveGradient}.
 * {@link Apgd} climbs losses of its own (a {@link LogitLoss}) through the same gradient source.
 */
public abstract class Attack {

    protected final GradientSource source;
    private double[] grad = new double[0];

    protected Attack(GradientSource source) {
        this.source = source;
    }

    public GradientSource source() {
        return source;
    }

    /** Short name, e.g. "fgsm", "pgd", "pgd-l2". */
    public abstract String name();

    /** The norm whose eps-ball this attack stays in. */
    public abstract Norm norm();

    /**
     * Adversarial versions of n = labels.length samples x (sample-major, values in [0,1]), each within
     * eps of its original in {@link #norm()} and inside [0,1]. targets is null for an untargeted attack.
     * x is not modified. rng feeds random starts only.
     */
    public final double[] perturb(double[] x, int[] labels, int[] targets, double eps, SplittableRandom rng) {
        int f = source.features();
        if (x.length != labels.length * f) {
            throw new IllegalArgumentException("expected " + labels.length + " samples of " + f + " features, got "
                    + x.length + " values");
        }
        if (targets != null && targets.length != labels.length) {
            throw new IllegalArgumentException("expected one target per sample");
        }
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        }
        return run(x, labels, targets, eps, rng);
    }

    /** The attack proper; x, labels, targets already checked. */
    protected abstract double[] run(double[] x, int[] labels, int[] targets, double eps, SplittableRandom rng);

    /**
     * Gradient of the attack objective at xa into a buffer owned by this attack: dCE(label)/dx for an
     * untargeted attack, -dCE(target)/dx for a targeted one. Predictions at xa go into predicted if not null.
     */
    protected final double[] objectiveGradient(double[] xa, int[] labels, int[] targets, int[] predicted) {
        if (grad.length != xa.length) {
            grad = new double[xa.length];
        }
        source.gradient(xa, targets == null ? labels : targets, grad, predicted);
        if (targets != null) {
            for (int i = 0; i < grad.length; i++) {
                grad[i] = -grad[i];
            }
        }
        return grad;
    }

    /** Whether the attack has succeeded on sample j: misclassified (untargeted) or classified as the target. */
    static boolean success(int predicted, int label, int[] targets, int j) {
        return targets == null ? predicted != label : predicted == targets[j];
    }
}
