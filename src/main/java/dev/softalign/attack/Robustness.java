package dev.softalign.attack;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Seeds;
import dev.softalign.nn.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleFunction;

/**
 * Robust accuracy of a model against an attack over a list of eps, in batches, with the sanity
 * checks that catch broken attacks: every sample stays in its ball and in [0,1], accuracy does not
 * rise with eps, and a multi-step attack is not weaker than its one-step version (masked gradients).
 */
public final class Robustness {

    /** Seed purposes, distinct from the trainer's. */
    static final int STARTS = 101;
    static final int TARGETS = 102;
    public static final int BATCH = 500;
    /** Rounding slack when checking the ball and box invariants. */
    public static final double TOLERANCE = 1e-9;

    /**
     * One eps: accuracy on the true labels under attack; for targeted attacks also the fraction
     * classified as the target (NaN otherwise); the one-step baseline's accuracy (NaN if not run).
     */
    public record Point(double eps, double robustAccuracy, double targetSuccess, double baselineAccuracy,
                        double maxDistance, double maxBallViolation, double maxBoxViolation) {
    }

    /** Largest excursions outside the ball and box over all eps, and whether accuracy fell monotonically. */
    public record Checks(double maxBallViolation, double maxBoxViolation, boolean nonIncreasing,
                         boolean weakerThanBaseline) {

        public boolean passed() {
            return maxBallViolation <= TOLERANCE && maxBoxViolation <= TOLERANCE && nonIncreasing
                    && !weakerThanBaseline;
        }
    }

    public record Report(String attack, String norm, String targeting, int samples, double cleanAccuracy,
                         List<Point> results, Checks checks, List<String> warnings) {
    }

    private Robustness() {
    }

    /**
     * Attacks the first samples of data (all of data) at each eps (sorted ascending), evaluating on
     * {@code model} (which may differ from the attack's source: a transfer attack). With
     * {@code baseline}, also runs the one-step attack of the same norm at each eps and warns where
     * the attack is weaker. Random starts draw from one seeded stream per eps, consumed batch after
     * batch: the same seed and batch size give the same numbers bit for bit.
     */
    public static Report evaluate(Mlp model, Attack attack, Dataset data, double[] eps, Targeting targeting,
                                  boolean baseline, long seed, int batch) {
        return evaluate(model, e -> attack, data, eps, targeting, baseline, seed, batch);
    }

    /** As above with an attack built per eps (e.g. a PGD step size tied to eps). */
    public static Report evaluate(Mlp model, DoubleFunction<Attack> attackAt, Dataset data, double[] eps,
                                  Targeting targeting, boolean baseline, long seed, int batch) {
        if (data.size() == 0) {
            throw new IllegalArgumentException(data.name() + ": no samples to attack");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1");
        }
        if (eps.length == 0) {
            throw new IllegalArgumentException("--eps needs at least one value");
        }
        double[] sorted = eps.clone();
        Arrays.sort(sorted);
        int f = data.features();
        int n = data.size();
        int[] targets = targeting.targets(data.labels(), data.classes(), Seeds.stream(seed, TARGETS, 0));

        int clean = 0;
        for (int from = 0; from < n; from += batch) {
            int m = Math.min(batch, n - from);
            clean += correct(model, Arrays.copyOfRange(data.x(), from * f, (from + m) * f),
                    Arrays.copyOfRange(data.labels(), from, from + m), null, null);
        }
        double cleanAccuracy = (double) clean / n;

        List<Point> points = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        double ball = 0;
        double box = 0;
        boolean weaker = false;
        Attack attack = attackAt.apply(sorted[0]);
        for (int e = 0; e < sorted.length; e++) {
            double eps0 = sorted[e];
            SplittableRandom rng = Seeds.stream(seed, STARTS, e);
            attack = attackAt.apply(eps0);
            Attack one = baseline ? Pgd.oneStep(attack.source(), attack.norm(), eps0) : null;
            int right = 0;
            int hit = 0;
            int rightBaseline = 0;
            double maxDist = 0;
            double ballE = 0;
            double boxE = 0;
            for (int from = 0; from < n; from += batch) {
                int m = Math.min(batch, n - from);
                double[] x = Arrays.copyOfRange(data.x(), from * f, (from + m) * f);
                int[] y = Arrays.copyOfRange(data.labels(), from, from + m);
                int[] t = targets == null ? null : Arrays.copyOfRange(targets, from, from + m);
                double[] xa = attack.perturb(x, y, t, eps0, rng);
                int[] hits = new int[1];
                right += correct(model, xa, y, t, hits);
                hit += hits[0];
                for (int j = 0; j < m; j++) {
                    double d = attack.norm().distance(xa, x, j * f, f);
                    maxDist = Math.max(maxDist, d);
                    ballE = Math.max(ballE, d - eps0);
                }
                for (double v : xa) {
                    boxE = Math.max(boxE, Math.max(-v, v - 1));
                }
                if (one != null) {
                    rightBaseline += correct(model, one.perturb(x, y, t, eps0, rng), y, null, null);
                }
            }
            double acc = (double) right / n;
            double accBaseline = one == null ? Double.NaN : (double) rightBaseline / n;
            points.add(new Point(eps0, acc, t(targets, hit, n), accBaseline, maxDist, Math.max(0, ballE),
                    Math.max(0, boxE)));
            ball = Math.max(ball, ballE);
            box = Math.max(box, boxE);
            if (one != null && acc > accBaseline) {
                weaker = true;
                warnings.add(String.format(Locale.ROOT, "%s is weaker than its one-step version at eps %s "
                        + "(%.4f vs %.4f): a sign of masked gradients", attack.name(), eps0, acc, accBaseline));
            }
        }
        boolean monotone = true;
        double previous = cleanAccuracy;
        double previousEps = 0;
        for (Point p : points) {
            if (p.robustAccuracy() > previous) {
                monotone = false;
                warnings.add(String.format(Locale.ROOT, "accuracy rises from %.4f (eps %s) to %.4f (eps %s)",
                        previous, previousEps, p.robustAccuracy(), p.eps()));
            }
            previous = p.robustAccuracy();
            previousEps = p.eps();
        }
        if (ball > TOLERANCE) {
            warnings.add("a sample left its eps-ball by " + ball);
        }
        if (box > TOLERANCE) {
            warnings.add("a sample left [0,1] by " + box);
        }
        return new Report(attack.name(), attack.norm().id(), targeting.toString(), n, cleanAccuracy, points,
                new Checks(Math.max(0, ball), Math.max(0, box), monotone, weaker), warnings);
    }

    private static double t(int[] targets, int hit, int n) {
        return targets == null ? Double.NaN : (double) hit / n;
    }

    /** Correctly classified samples; with targets, also counts hits on the target into hits[0]. */
    static int correct(Mlp model, double[] x, int[] labels, int[] targets, int[] hits) {
        int[] predicted = new int[labels.length];
        GradientSource.predict(model, x, predicted);
        int c = 0;
        for (int j = 0; j < labels.length; j++) {
            if (predicted[j] == labels[j]) {
                c++;
            }
            if (targets != null && predicted[j] == targets[j]) {
                hits[0]++;
            }
        }
        return c;
    }
}
