package dev.softalign.analysis;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Mlp;
import java.util.List;

/**
 * PAC-Bayes flatness (Jiang et al. 2020): for plain and magnitude-aware weight noise, the largest
 * sigma whose mean accuracy over a few draws stays within maxDrop of the clean accuracy, found by
 * bisection ({@link WeightNoise#pacBayes}). Settings are fluent with defaults here; {@link #run}
 * returns a {@link Result}.
 */
public final class PacBayes {

    public static final double DEFAULT_MAX_DROP = 0.1;
    public static final int DEFAULT_ITERATIONS = 12;

    /** sigma: largest found within the drop; sigmaAbove: smallest found beyond it; accuracy: mean at sigma. */
    public record Bound(double sigma, double sigmaAbove, double accuracy) {
    }

    /** Bounds per noise kind; a kind not asked for is null. */
    public record Result(double maxDrop, int draws, int iterations, double cleanAccuracy, Bound plain, Bound magnitude) {
    }

    private double maxDrop = DEFAULT_MAX_DROP;
    private int draws = WeightNoise.DEFAULT_DRAWS;
    private int iterations = DEFAULT_ITERATIONS;
    private List<WeightNoise.Kind> kinds = List.of(WeightNoise.Kind.values());
    private long seed = 1;

    public static PacBayes create() {
        return new PacBayes();
    }

    /** Allowed accuracy drop (default 0.1). */
    public PacBayes maxDrop(double d) {
        maxDrop = d;
        return this;
    }

    /** Noise draws per sigma (default 5). */
    public PacBayes draws(int d) {
        draws = d;
        return this;
    }

    /** Bisection steps (default 12). */
    public PacBayes iterations(int i) {
        iterations = i;
        return this;
    }

    /** Noise kinds (default both). */
    public PacBayes kinds(List<WeightNoise.Kind> k) {
        kinds = List.copyOf(k);
        return this;
    }

    public PacBayes seed(long s) {
        seed = s;
        return this;
    }

    public Result run(Mlp net, Dataset data) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("PAC-Bayes needs at least one noise kind");
        }
        double clean = Double.NaN;
        Bound plain = null;
        Bound magnitude = null;
        for (WeightNoise.Kind k : kinds) {
            WeightNoise.Flatness f = WeightNoise.pacBayes(net, data, k, maxDrop, draws, iterations, seed);
            clean = f.cleanAccuracy();
            Bound b = new Bound(f.sigma(), f.sigmaAbove(), f.accuracyAtSigma());
            if (k == WeightNoise.Kind.PLAIN) {
                plain = b;
            } else {
                magnitude = b;
            }
        }
        return new Result(maxDrop, draws, iterations, clean, plain, magnitude);
    }
}
