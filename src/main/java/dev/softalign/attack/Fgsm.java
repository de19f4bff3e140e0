package dev.softalign.attack;

import java.util.SplittableRandom;

/** Fast gradient sign method (Goodfellow et al. 2015): x' = clip(x + eps * sign(grad_x CE)), minus and toward the target when targeted. */
public final class Fgsm extends Attack {

    public Fgsm(GradientSource source) {
        super(source);
    }

    @Override
    public String name() {
        return "fgsm";
    }

    @Override
    public Norm norm() {
        return Norm.LINF;
    }

    @Override
    protected double[] run(double[] x, int[] labels, int[] targets, double eps, SplittableRandom rng) {
        double[] g = objectiveGradient(x, labels, targets, null);
        double[] xa = x.clone();
        for (int i = 0; i < xa.length; i++) {
            xa[i] = Math.max(0, Math.min(1, x[i] + eps * Math.signum(g[i])));
        }
        return xa;
    }
}
