package dev.softalign.attack;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Seeds;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleFunction;
import org.ojalgo.matrix.store.R064Store;

/**
 * Robust accuracy of a model against an attack over a list of eps, in batches, with the sanity
 * checks that catch broken attacks: every sample stays in its ball and in [0,1], accuracy does not
 * rise with eps, a multi-step attack is not weaker than its one-step version (masked
 * gradients), and an attack given a PGD reference (APGD) is not weaker than PGD with the same steps
 * and restarts at the same eps (a broken schedule). "Weaker" is judged on what the attack optimises: accuracy on the true labels for an
 * untargeted attack; for a targeted one the fraction classified as the target (target success),
 * ties broken by the mean cross-entropy toward the target. Samples whose label already is their
 * target are left out of target success and target loss (as torchattacks and AutoAttack do) and
 * counted in {@link Report#targetExcluded()}.
 *
 * <p>Settings are fluent with defaults here; {@link #run} returns a {@link Report}.
 */
public final class Robustness {

    /** Seed purposes, distinct from the trainer's. */
    static final int STARTS = 101;
    static final int TARGETS = 102;
    public static final int BATCH = 500;
    /** Rounding slack when checking the ball and box invariants. */
    public static final double TOLERANCE = 1e-9;

    /**
     * One eps: accuracy on the true labels under attack, under its one-step version and under the
     * PGD reference; for targeted attacks also target success and mean target loss of the attack and
     * its one-step version (over the samples not already of their target class). A value that was
     * not measured is NaN (null in JSON).
     */
    public record Point(double eps, double robustAccuracy, double oneStepAccuracy, double pgdAccuracy, double targetSuccess,
                        double oneStepTargetSuccess, double targetLoss, double oneStepTargetLoss, double maxDistance,
                        double maxBallViolation, double maxBoxViolation) {
    }

    /**
     * Largest excursions outside the ball and box over all eps, whether accuracy fell monotonically,
     * whether the attack was weaker than its one-step version or than the PGD reference at some eps
     * (false when not compared), and the verdict.
     */
    public record Checks(double maxBallViolation, double maxBoxViolation, boolean nonIncreasing,
                         boolean weakerThanOneStep, boolean weakerThanPgd, boolean passed) {

        static Checks of(double ball, double box, boolean nonIncreasing, boolean weaker, boolean weakerThanPgd) {
            return new Checks(ball, box, nonIncreasing, weaker, weakerThanPgd,
                    ball <= TOLERANCE && box <= TOLERANCE && nonIncreasing && !weaker && !weakerThanPgd);
        }
    }

    /**
     * The attack's name and norm; targetClass is a class index, "random" or null when untargeted;
     * targetExcluded counts the samples left out of the target statistics.
     */
    public record Report(String attack, String norm, boolean targeted, String targetClass, int samples,
                         int targetExcluded, double cleanAccuracy, List<Point> results, Checks checks,
                         List<String> warnings) {

        /** The same report with other warnings (a caller adding context). */
        public Report withWarnings(List<String> w) {
            return new Report(attack, norm, targeted, targetClass, samples, targetExcluded, cleanAccuracy, results,
                    checks, List.copyOf(w));
        }
    }

    private double[] eps = {0.05, 0.1};
    private Targeting targeting = Targeting.none();
    private boolean oneStep = true;
    private DoubleFunction<Attack> pgdAt;
    private long seed = 1;
    private int batch = BATCH;

    public static Robustness create() {
        return new Robustness();
    }

    /** Perturbation budgets (default 0.05, 0.1), evaluated in ascending order. */
    public Robustness eps(double... e) {
        eps = e.clone();
        return this;
    }

    /** Untargeted (default), a fixed class or a random other class per sample. */
    public Robustness targeting(Targeting t) {
        targeting = t;
        return this;
    }

    /** Also run the one-step version at each eps and flag the attack where it is weaker (default on). */
    public Robustness oneStep(boolean b) {
        oneStep = b;
        return this;
    }

    /**
     * A PGD the attack must not be weaker than, built per eps (none by default): for APGD, PGD with
     * the same steps and restarts; a higher robust accuracy than it fails the checks.
     */
    public Robustness pgdReference(DoubleFunction<Attack> p) {
        pgdAt = p;
        return this;
    }

    /** Random starts and random targets. */
    public Robustness seed(long s) {
        seed = s;
        return this;
    }

    public Robustness batch(int b) {
        batch = b;
        return this;
    }

    /** As {@link #run(Mlp, DoubleFunction, Dataset)} with the same attack at every eps. */
    public static Report evaluate(Mlp model, Attack attack, Dataset data, double[] eps, Targeting targeting,
                                  boolean baseline, long seed, int batch) {
        return evaluate(model, e -> attack, data, eps, targeting, baseline, seed, batch);
    }

    /** The settings as arguments. */
    public static Report evaluate(Mlp model, DoubleFunction<Attack> attackAt, Dataset data, double[] eps,
                                  Targeting targeting, boolean baseline, long seed, int batch) {
        return create().eps(eps).targeting(targeting).oneStep(baseline).seed(seed).batch(batch)
                .run(model, attackAt, data);
    }

    /**
     * Attacks every sample of data at each eps with the attack built for that eps (e.g. a PGD step
     * size tied to eps), evaluating on {@code model}, which may differ from the attack's source (a
     * transfer attack). Random starts draw from one seeded stream per eps, consumed batch after
     * batch: the same seed and batch size give the same numbers bit for bit.
     */
    public Report run(Mlp model, DoubleFunction<Attack> attackAt, Dataset data) {
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
        int excluded = 0;
        for (int j = 0; targets != null && j < n; j++) {
            excluded += targets[j] == data.labels()[j] ? 1 : 0;
        }
        int counted = n - excluded;

        Tally clean = new Tally();
        for (int from = 0; from < n; from += batch) {
            int m = Math.min(batch, n - from);
            clean.add(model, data.samples(from, from + m),
                    Arrays.copyOfRange(data.labels(), from, from + m), null);
        }
        double cleanAccuracy = (double) clean.correct / n;

        List<Point> points = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        double ball = 0;
        double box = 0;
        boolean weaker = false;
        boolean weakerThanPgd = false;
        Attack attack = attackAt.apply(sorted[0]);
        for (int e = 0; e < sorted.length; e++) {
            double eps0 = sorted[e];
            SplittableRandom rng = Seeds.stream(seed, STARTS, e);
            attack = attackAt.apply(eps0);
            Attack one = oneStep ? Pgd.oneStep(attack.source(), attack.norm(), eps0) : null;
            Attack pgd = pgdAt == null ? null : pgdAt.apply(eps0);
            Tally multi = new Tally();
            Tally single = new Tally();
            Tally reference = new Tally();
            double maxDist = 0;
            double ballE = 0;
            double boxE = 0;
            for (int from = 0; from < n; from += batch) {
                int m = Math.min(batch, n - from);
                double[] x = data.samples(from, from + m);
                int[] y = Arrays.copyOfRange(data.labels(), from, from + m);
                int[] t = targets == null ? null : Arrays.copyOfRange(targets, from, from + m);
                double[] xa = attack.perturb(x, y, t, eps0, rng);
                multi.add(model, xa, y, t);
                for (int j = 0; j < m; j++) {
                    double d = attack.norm().distance(xa, x, j * f, f);
                    maxDist = Math.max(maxDist, d);
                    ballE = Math.max(ballE, d - eps0);
                }
                for (double v : xa) {
                    boxE = Math.max(boxE, Math.max(-v, v - 1));
                }
                if (one != null) {
                    single.add(model, one.perturb(x, y, t, eps0, rng), y, t);
                }
                if (pgd != null) {
                    reference.add(model, pgd.perturb(x, y, t, eps0, rng), y, t);
                }
            }
            boolean targeted = targets != null;
            Point p = new Point(eps0, (double) multi.correct / n, one == null ? Double.NaN : (double) single.correct / n,
                    pgd == null ? Double.NaN : (double) reference.correct / n,
                    targeted ? multi.successRate(counted) : Double.NaN,
                    targeted && one != null ? single.successRate(counted) : Double.NaN,
                    targeted ? multi.meanLoss(counted) : Double.NaN,
                    targeted && one != null ? single.meanLoss(counted) : Double.NaN,
                    maxDist, Math.max(0, ballE), Math.max(0, boxE));
            points.add(p);
            ball = Math.max(ball, ballE);
            box = Math.max(box, boxE);
            if (one != null && weakerThanOneStep(p, targeted)) {
                weaker = true;
                warnings.add(targeted
                        ? String.format(Locale.ROOT, "%s hits the target less often than its one-step version at eps %s "
                                + "(%.4f vs %.4f, target loss %.4f vs %.4f): a sign of masked gradients", attack.name(),
                                eps0, p.targetSuccess(), p.oneStepTargetSuccess(), p.targetLoss(), p.oneStepTargetLoss())
                        : String.format(Locale.ROOT, "%s is weaker than its one-step version at eps %s "
                                + "(%.4f vs %.4f): a sign of masked gradients", attack.name(), eps0, p.robustAccuracy(),
                                p.oneStepAccuracy()));
            }
            if (pgd != null && p.robustAccuracy() > p.pgdAccuracy()) {
                weakerThanPgd = true;
                warnings.add(String.format(Locale.ROOT, "%s is weaker than %s with the same steps and restarts at eps %s "
                        + "(accuracy %.4f vs %.4f): its schedule is not doing its job", attack.name(), pgd.name(), eps0,
                        p.robustAccuracy(), p.pgdAccuracy()));
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
        if (targets != null && counted == 0) {
            warnings.add("every sample already belongs to the target class: no target success to measure");
        }
        return new Report(attack.name(), attack.norm().id(), targeting.targeted(),
                targeting.targeted() ? targeting.toString() : null, n, excluded, cleanAccuracy, points,
                Checks.of(Math.max(0, ball), Math.max(0, box), monotone, weaker, weakerThanPgd), warnings);
    }

    /**
     * Whether the multi-step attack did worse than its one-step version on what it optimises:
     * higher accuracy on the true labels (untargeted), or lower target success, or equal success
     * with a higher mean loss toward the target (targeted). A targeted attack may leave more
     * samples correctly classified while hitting the target more often: that is not masking.
     */
    static boolean weakerThanOneStep(Point p, boolean targeted) {
        if (!targeted) {
            return p.robustAccuracy() > p.oneStepAccuracy();
        }
        if (p.targetSuccess() != p.oneStepTargetSuccess()) {
            return p.targetSuccess() < p.oneStepTargetSuccess();
        }
        return p.targetLoss() > p.oneStepTargetLoss();
    }

    /** Counts over batches: correct predictions, and for targeted attacks hits and cross-entropy toward the target. */
    private static final class Tally {
        int correct;
        int hits;
        double loss;

        /** Adds a batch; with targets, samples already of their target class add to correct only. */
        void add(Mlp model, double[] x, int[] labels, int[] targets) {
            int n = labels.length;
            Pass p = model.pass(n);
            model.load(p, x, new int[n]);
            model.forward(p);
            R064Store z = p.logits();
            int classes = z.getRowDim();
            for (int j = 0; j < n; j++) {
                int predicted = p.predicted(j);
                correct += predicted == labels[j] ? 1 : 0;
                if (targets != null && targets[j] != labels[j]) {
                    hits += predicted == targets[j] ? 1 : 0;
                    loss += crossEntropy(z.data, j * classes, classes, targets[j]);
                }
            }
        }

        double successRate(int counted) {
            return counted == 0 ? Double.NaN : (double) hits / counted;
        }

        double meanLoss(int counted) {
            return counted == 0 ? Double.NaN : loss / counted;
        }
    }

    /** -log softmax(z)[k] for the logits at z[offset .. offset + classes), computed stably (the model's own loss's sum). */
    static double crossEntropy(double[] z, int offset, int classes, int k) {
        return Loss.logSumExp(z, offset, classes) - z[offset + k];
    }
}
