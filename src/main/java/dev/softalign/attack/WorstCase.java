package dev.softalign.attack;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Mlp;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Robust accuracy as the per-sample worst case over several attacks at one eps, evaluated the way
 * AutoAttack does: the attacks run in order, each only on the samples every earlier attack left
 * correctly classified, so a sample counts as robust only if no attack broke it (and later, costlier
 * attacks spend nothing on samples already broken).
 */
public final class WorstCase {

    private WorstCase() {
    }

    /**
     * One eps: the attacks in their order and the accuracy left after each (entry i: the worst case
     * over attacks 0..i); {@link #worst} is the last.
     */
    public record Stages(double eps, List<String> attacks, List<Double> accuracy) {

        public Stages {
            attacks = List.copyOf(attacks);
            accuracy = List.copyOf(accuracy);
        }

        /** Robust accuracy: the fraction no attack broke. */
        public double worst() {
            return accuracy.get(accuracy.size() - 1);
        }
    }

    /** {@link #accuracyAfterEach} with the attacks' names and eps. */
    public static Stages stages(Mlp model, List<Attack> attacks, Dataset data, double eps, SplittableRandom rng,
                                int batch) {
        return new Stages(eps, attacks.stream().map(Attack::name).toList(),
                Arrays.stream(accuracyAfterEach(model, attacks, data, eps, rng, batch)).boxed().toList());
    }

    /**
     * The fraction of data still correctly classified by {@code model} after each attack in turn
     * (entry i: the worst case over attacks 0..i; entry 0 is the first attack alone), in batches of
     * {@code batch}. rng feeds the attacks' random starts, batch after batch, attack after attack.
     */
    public static double[] accuracyAfterEach(Mlp model, List<Attack> attacks, Dataset data, double eps,
                                             SplittableRandom rng, int batch) {
        int n = data.size();
        int f = data.features();
        GradientSource judge = GradientSource.trueGradient(model); // its own buffers for the shrinking batches
        double[] out = new double[attacks.size()];
        for (int from = 0; from < n; from += batch) {
            int m = Math.min(batch, n - from);
            int[] robust = new int[m];
            int[] predicted = new int[m];
            judge.predict(data.samples(from, from + m), predicted);
            int left = 0;
            for (int j = 0; j < m; j++) {
                if (predicted[j] == data.labels()[from + j]) {
                    robust[left++] = from + j;
                }
            }
            for (int a = 0; a < attacks.size(); a++) {
                if (left > 0) {
                    double[] x = new double[left * f];
                    int[] y = new int[left];
                    for (int k = 0; k < left; k++) {
                        data.copySample(robust[k], x, k * f);
                        y[k] = data.labels()[robust[k]];
                    }
                    double[] xa = attacks.get(a).perturb(x, y, null, eps, rng);
                    int[] p = new int[left];
                    judge.predict(xa, p);
                    int kept = 0;
                    for (int k = 0; k < left; k++) {
                        if (p[k] == y[k]) {
                            robust[kept++] = robust[k];
                        }
                    }
                    left = kept;
                }
                out[a] += left;
            }
        }
        for (int a = 0; a < out.length; a++) {
            out[a] /= n;
        }
        return out;
    }
}
