package dev.softalign.analysis;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Mlp;

/**
 * Epsilon-sharpness (Keskar et al. 2017): the largest rise of the loss over the box
 * |y_i| <= eps (|w_i| + 1) around w, reported as 100 (max L(w+y) - L(w)) / (1 + L(w)).
 * Keskar et al. maximise with L-BFGS-B; here projected sign-gradient ascent (steepest ascent for
 * the box's scaled L-inf geometry) with a linearly decaying step, keeping the best point seen.
 * Settings are fluent with defaults here; {@link #run} returns a {@link Result}.
 */
public final class Sharpness {

    public static final double DEFAULT_EPS = 1e-3;
    public static final int DEFAULT_STEPS = 20;
    /** First step as a fraction of each coordinate's box half-width; decays linearly to zero. */
    public static final double DEFAULT_STEP = 0.25;

    /** loss = L(w), maxLoss = the largest L(w+y) found in the box. */
    public record Result(double loss, double maxLoss, double sharpness, double eps, int steps) {
    }

    private double eps = DEFAULT_EPS;
    private int steps = DEFAULT_STEPS;
    private double step = DEFAULT_STEP;

    private Sharpness() {
    }

    public static Sharpness create() {
        return new Sharpness();
    }

    /** Box half-width relative to |w_i| + 1 (default 1e-3). */
    public Sharpness eps(double e) {
        eps = e;
        return this;
    }

    /** Ascent steps (default 20). */
    public Sharpness steps(int s) {
        steps = s;
        return this;
    }

    /** First step as a fraction of the box (default 0.25), decaying linearly. */
    public Sharpness step(double s) {
        step = s;
        return this;
    }

    /** Sharpness of a network's loss on data around its current parameters, which are restored afterwards. */
    public Result run(Mlp net, Dataset data) {
        double[] w = net.parameters();
        try {
            return of(new ModelLoss(net, data), w, eps, steps, step);
        } finally {
            net.setParameters(w);
        }
    }

    public static Result of(DifferentiableLoss f, double[] w, double eps, int steps, double step) {
        if (!(eps >= 0) || steps < 0 || !(step > 0)) {
            throw new IllegalArgumentException("sharpness needs eps >= 0, steps >= 0 and step > 0");
        }
        int d = f.dimension();
        double[] r = new double[d];
        for (int i = 0; i < d; i++) {
            r[i] = eps * (Math.abs(w[i]) + 1);
        }
        double[] y = new double[d];
        double[] point = w.clone();
        double[] grad = new double[d];
        double base = f.value(w);
        double best = base;
        for (int k = 0; k < steps; k++) {
            double v = k == 0 ? f.valueAndGradient(w, grad) : f.valueAndGradient(point, grad);
            best = Math.max(best, v);
            double lr = step * (1 - (double) k / steps);
            for (int i = 0; i < d; i++) {
                y[i] = Math.max(-r[i], Math.min(r[i], y[i] + lr * r[i] * Math.signum(grad[i])));
                point[i] = w[i] + y[i];
            }
        }
        if (steps > 0) {
            best = Math.max(best, f.value(point));
        }
        return new Result(base, best, 100 * (best - base) / (1 + base), eps, steps);
    }

    /** {@link #run} with these settings. */
    public static Result of(Mlp net, Dataset data, double eps, int steps) {
        return create().eps(eps).steps(steps).run(net, data);
    }
}
