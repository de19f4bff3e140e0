package dev.softalign.attack;

import dev.softalign.nn.Elementwise;
import java.util.SplittableRandom;

/**
 * The threat model of a gradient attack: how a step follows the gradient, how the perturbation is
 * projected back to the eps-ball, and how a random start is drawn inside it. Arrays are
 * sample-major (n samples of f features).
 */
public enum Norm {
    /** L-infinity: sign steps, coordinate-wise clamp, uniform start in the cube. */
    LINF("linf") {
        @Override
        void stepSample(double[] xa, double[] g, double alpha, int o, int f) {
            Elementwise.signStep(xa, g, alpha, o, o + f); // xa += alpha * signum(g), on vectors
        }

        @Override
        void ascend(double[] xa, double[] g, double alpha, double[] x, double eps, int f, int from, int to) {
            Elementwise.linfAscent(xa, g, alpha, x, eps, from * f, to * f); // the three passes in one, on vectors
        }

        @Override
        void projectSample(double[] xa, double[] x, double eps, int o, int f) {
            for (int i = o; i < o + f; i++) {
                double d = Math.max(-eps, Math.min(eps, xa[i] - x[i]));
                xa[i] = x[i] + d;
            }
        }

        @Override
        void randomStart(double[] xa, double[] x, double eps, int n, int f, SplittableRandom rng) {
            for (int i = 0; i < xa.length; i++) {
                xa[i] = x[i] + (eps == 0 ? 0 : rng.nextDouble(-eps, eps));
            }
        }

        @Override
        public double distance(double[] a, double[] b, int offset, int f) {
            double m = 0;
            for (int i = offset; i < offset + f; i++) {
                m = Math.max(m, Math.abs(a[i] - b[i]));
            }
            return m;
        }
    },
    /** L2: per-sample normalised gradient steps, projection onto the ball, uniform start in the ball. */
    L2("l2") {
        @Override
        void stepSample(double[] xa, double[] g, double alpha, int o, int f) {
            double s = 0;
            for (int i = o; i < o + f; i++) {
                s += g[i] * g[i];
            }
            if (s == 0) {
                return; // no direction to follow
            }
            double c = alpha / Math.sqrt(s);
            for (int i = o; i < o + f; i++) {
                xa[i] += c * g[i];
            }
        }

        @Override
        void projectSample(double[] xa, double[] x, double eps, int o, int f) {
            double s = 0;
            for (int i = o; i < o + f; i++) {
                double d = xa[i] - x[i];
                s += d * d;
            }
            double norm = Math.sqrt(s);
            if (norm > eps) {
                double c = eps / norm;
                for (int i = o; i < o + f; i++) {
                    xa[i] = x[i] + c * (xa[i] - x[i]);
                }
            }
        }

        @Override
        void randomStart(double[] xa, double[] x, double eps, int n, int f, SplittableRandom rng) {
            double[] dir = new double[f];
            for (int j = 0, o = 0; j < n; j++, o += f) {
                double s = 0;
                for (int i = 0; i < f; i++) {
                    dir[i] = rng.nextGaussian();
                    s += dir[i] * dir[i];
                }
                // Radius eps * U^(1/d) makes the point uniform in the ball, not crowded at its centre.
                double r = eps * Math.pow(rng.nextDouble(), 1.0 / f);
                double c = s == 0 ? 0 : r / Math.sqrt(s);
                for (int i = 0; i < f; i++) {
                    xa[o + i] = x[o + i] + c * dir[i];
                }
            }
        }

        @Override
        public double distance(double[] a, double[] b, int offset, int f) {
            double s = 0;
            for (int i = offset; i < offset + f; i++) {
                s += (a[i] - b[i]) * (a[i] - b[i]);
            }
            return Math.sqrt(s);
        }
    };

    private final String id;

    Norm(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** xa += alpha * (the steepest-ascent direction of this norm for gradient g). */
    final void step(double[] xa, double[] g, double alpha, int n, int f) {
        for (int j = 0, o = 0; j < n; j++, o += f) {
            stepSample(xa, g, alpha, o, f);
        }
    }

    /** As {@link #step(double[], double[], double, int, int)} with a step size per sample. */
    final void step(double[] xa, double[] g, double[] alpha, int n, int f) {
        for (int j = 0, o = 0; j < n; j++, o += f) {
            stepSample(xa, g, alpha[j], o, f);
        }
    }

    /**
     * One projected ascent step of samples [from, to): for each, {@link #stepSample}, the projection
     * to the eps-ball around x, then the clip to [0,1]. A norm may fuse the three into one pass with
     * the same result. Samples do not interact, so callers may cut them among threads.
     */
    void ascend(double[] xa, double[] g, double alpha, double[] x, double eps, int f, int from, int to) {
        for (int o = from * f; o < to * f; o += f) {
            stepSample(xa, g, alpha, o, f);
            projectSample(xa, x, eps, o, f);
            clip(xa, o, o + f);
        }
    }

    /** The step of the one sample at [o, o+f). */
    abstract void stepSample(double[] xa, double[] g, double alpha, int o, int f);

    /** Moves each sample of xa back into the eps-ball around the same sample of x. */
    final void project(double[] xa, double[] x, double eps, int n, int f) {
        for (int j = 0, o = 0; j < n; j++, o += f) {
            projectSample(xa, x, eps, o, f);
        }
    }

    /** Moves the one sample at [o, o+f) of xa back into the eps-ball around the same sample of x. */
    abstract void projectSample(double[] xa, double[] x, double eps, int o, int f);

    /** xa = x + a random point of the eps-ball (then the caller clips to [0,1]). */
    abstract void randomStart(double[] xa, double[] x, double eps, int n, int f, SplittableRandom rng);

    /** Distance between samples a and b occupying [offset, offset+f). */
    public abstract double distance(double[] a, double[] b, int offset, int f);

    /** Clips every value to the valid input box [0,1]. */
    static void clip(double[] xa) {
        clip(xa, 0, xa.length);
    }

    /** Clips xa[from, to) to [0,1]. */
    static void clip(double[] xa, int from, int to) {
        for (int i = from; i < to; i++) {
            xa[i] = Math.max(0, Math.min(1, xa[i]));
        }
    }
}
