package dev.softalign.analysis;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Seeds;
import dev.softalign.nn.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Loss and accuracy under Gaussian weight noise, and PAC-Bayes flatness (Jiang et al. 2020,
 * "Fantastic generalization measures"): the largest sigma whose mean accuracy over a few draws
 * stays within maxDrop of the clean accuracy, found by bisection. Every parameter (weights and
 * biases) is perturbed. Draw k uses the same standard-normal vector z_k at every sigma (common random
 * numbers), so the curve is smooth in sigma and the bisection sees a near-monotone function.
 * The network's parameters are restored afterwards. The curve's settings are fluent with defaults
 * here and {@link #run} returns a {@link Curve}; {@link PacBayes} runs the bisection.
 */
public final class WeightNoise {

    public static final double[] DEFAULT_SIGMAS = {0, 0.01, 0.02, 0.05, 0.1, 0.2};
    public static final int DEFAULT_DRAWS = 5;

    static final int NOISE = 201;
    /** The additive floor of magnitude-aware noise (Jiang et al.). */
    public static final double MAGNITUDE_FLOOR = 1e-3;

    public enum Kind {
        /** w + sigma z. */
        PLAIN("plain"),
        /** w + (sigma |w| + 1e-3) z. */
        MAGNITUDE("magnitude");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Kind parse(String s) {
            for (Kind k : values()) {
                if (k.id.equals(s.toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--noise must be plain or magnitude, got '" + s + "'");
        }
    }

    /** Mean and standard deviation (over draws, n-1 denominator) at one sigma. */
    public record Stat(double sigma, double lossMean, double lossSd, double accuracyMean, double accuracySd) {
    }

    /** sigma is the largest value found within the drop; sigmaAbove the smallest found beyond it. */
    public record Flatness(Kind kind, double sigma, double sigmaAbove, double cleanAccuracy, double accuracyAtSigma,
                           double maxDrop, int draws) {
    }

    /** The curve: noise kind ("plain" or "magnitude"), draws per sigma, one row per sigma. */
    public record Curve(String noise, int draws, List<Stat> results) {

        /** CSV with header sigma,loss_mean,loss_sd,accuracy_mean,accuracy_sd. */
        public String csv() {
            StringBuilder csv = new StringBuilder("sigma,loss_mean,loss_sd,accuracy_mean,accuracy_sd\n");
            for (Stat s : results) {
                csv.append(s.sigma()).append(',').append(s.lossMean()).append(',').append(s.lossSd()).append(',')
                        .append(s.accuracyMean()).append(',').append(s.accuracySd()).append('\n');
            }
            return csv.toString();
        }
    }

    private Kind kind = Kind.PLAIN;
    private double[] sigmas = DEFAULT_SIGMAS.clone();
    private int draws = DEFAULT_DRAWS;
    private long seed = 1;

    private WeightNoise() {
    }

    public static WeightNoise create() {
        return new WeightNoise();
    }

    /** Plain (default) or magnitude-aware noise. */
    public WeightNoise kind(Kind k) {
        kind = k;
        return this;
    }

    /** Noise levels (default 0, 0.01, 0.02, 0.05, 0.1, 0.2). */
    public WeightNoise sigmas(double... s) {
        sigmas = s.clone();
        return this;
    }

    /** Monte-Carlo draws per sigma (default 5). */
    public WeightNoise draws(int d) {
        draws = d;
        return this;
    }

    public WeightNoise seed(long s) {
        seed = s;
        return this;
    }

    public Curve run(Mlp net, Dataset data) {
        return new Curve(kind.id(), draws, curve(net, data, kind, sigmas, draws, seed));
    }

    /** Loss and accuracy at each sigma, over {@code draws} noise draws. */
    public static List<Stat> curve(Mlp net, Dataset data, Kind kind, double[] sigmas, int draws, long seed) {
        double[] w = net.parameters();
        try {
            ModelLoss f = new ModelLoss(net, data);
            List<Stat> out = new ArrayList<>();
            for (double s : sigmas) {
                out.add(at(f, w, kind, s, draws, seed));
            }
            return out;
        } finally {
            net.setParameters(w);
        }
    }

    /** Bisection for the largest sigma with clean accuracy - mean noisy accuracy <= maxDrop. */
    public static Flatness pacBayes(Mlp net, Dataset data, Kind kind, double maxDrop, int draws, int iterations,
                                    long seed) {
        double[] w = net.parameters();
        try {
            ModelLoss f = new ModelLoss(net, data);
            f.value(w);
            double clean = f.lastAccuracy();
            double lo = 0;
            double accLo = kind == Kind.PLAIN ? clean : at(f, w, kind, 0, draws, seed).accuracyMean();
            double hi = 1;
            double accHi = at(f, w, kind, hi, draws, seed).accuracyMean();
            // Grow the bracket until the drop is exceeded (a very flat or tiny model may need it).
            while (clean - accHi <= maxDrop && hi < 1e6) {
                lo = hi;
                accLo = accHi;
                hi *= 2;
                accHi = at(f, w, kind, hi, draws, seed).accuracyMean();
            }
            for (int i = 0; i < iterations; i++) {
                double mid = 0.5 * (lo + hi);
                double acc = at(f, w, kind, mid, draws, seed).accuracyMean();
                if (clean - acc <= maxDrop) {
                    lo = mid;
                    accLo = acc;
                } else {
                    hi = mid;
                }
            }
            return new Flatness(kind, lo, hi, clean, accLo, maxDrop, draws);
        } finally {
            net.setParameters(w);
        }
    }

    static Stat at(ModelLoss f, double[] w, Kind kind, double sigma, int draws, long seed) {
        if (!(sigma >= 0) || draws < 1) {
            throw new IllegalArgumentException("weight noise needs sigma >= 0 and draws >= 1");
        }
        double[] loss = new double[draws];
        double[] acc = new double[draws];
        double[] v = new double[w.length];
        for (int k = 0; k < draws; k++) {
            SplittableRandom rng = Seeds.stream(seed, NOISE, k);
            for (int i = 0; i < w.length; i++) {
                double scale = kind == Kind.PLAIN ? sigma : sigma * Math.abs(w[i]) + MAGNITUDE_FLOOR;
                v[i] = w[i] + scale * rng.nextGaussian();
            }
            loss[k] = f.value(v);
            acc[k] = f.lastAccuracy();
        }
        return new Stat(sigma, mean(loss), sd(loss), mean(acc), sd(acc));
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
