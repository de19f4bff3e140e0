package dev.softalign.cli;

import dev.softalign.attack.Apgd;
import dev.softalign.attack.Attack;
import dev.softalign.attack.Fgsm;
import dev.softalign.attack.GradientSource;
import dev.softalign.attack.Norm;
import dev.softalign.attack.Pgd;
import dev.softalign.attack.Robustness;
import dev.softalign.attack.Targeting;
import dev.softalign.data.Dataset;
import dev.softalign.learn.Rule;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.ModelFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.DoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "attack", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Robust accuracy under FGSM, PGD or APGD (AutoAttack's APGD-CE and APGD-T; L-inf, L2) on the "
                + "first --samples test samples, for each --eps, with sanity checks (ball, box, monotone accuracy, PGD not "
                + "weaker than one step: on accuracy when untargeted, on target success then target loss when targeted; "
                + "APGD not weaker than PGD with the same --steps and --restarts). Target success leaves out samples "
                + "already of the target class (target_excluded).",
                "Example: softalign attack --model runs/bp/model.safetensors --attack pgd --eps 0.05,0.1 --steps 20"})
final class AttackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions input;
    @Mixin
    DtypeOption dtype;
    @Option(names = "--source", description = "transfer attack: craft on this model, evaluate on --model")
    Path source;
    @Option(names = "--attack", description = "fgsm, pgd (L-inf), pgd-l2, apgd-ce, apgd-t, apgd-ce-l2 or apgd-t-l2 "
            + "(default: ${DEFAULT-VALUE})")
    String attack = "pgd";
    @Option(names = "--eps", split = ",", description = "perturbation budgets, comma-separated (default: 0.05,0.1)")
    double[] eps;
    @Option(names = "--alpha", description = "PGD step size (default: " + Pgd.ALPHA_FACTOR + " * eps / steps, Madry et al.)")
    Double alpha;
    @Option(names = "--steps", description = "PGD or APGD steps per run (default: ${DEFAULT-VALUE})")
    int steps = 20;
    @Option(names = "--restarts", description = "PGD or APGD restarts; a sample is broken if any restart breaks it "
            + "(default: ${DEFAULT-VALUE})")
    int restarts = 1;
    @Option(names = "--target-classes", description = "apgd-t: how many of the top classes to target in turn "
            + "(default: ${DEFAULT-VALUE}, AutoAttack's; capped at classes - 1)")
    int targetClasses = Apgd.TARGET_CLASSES;
    @Option(names = "--random-start", arity = "1", description = "PGD random start in the ball: true or false (default: ${DEFAULT-VALUE})")
    boolean randomStart = true;
    @Option(names = "--samples", description = "first N test samples (default: ${DEFAULT-VALUE})")
    int samples = 1000;
    @Option(names = "--targeted", description = "steer toward --target-class instead of away from the label")
    boolean targeted;
    @Option(names = "--target-class", description = "class index or 'random' (another class per sample, the default); implies --targeted")
    String targetClass;
    @Option(names = "--gradient", description = "true (through W, default) or feedback (the rule's own path: gradient masking, for comparison only)")
    String gradient = "true";
    @Option(names = "--batch", description = "samples per batch (default: ${DEFAULT-VALUE})")
    int batch = Robustness.BATCH;
    @Option(names = "--seed", description = "random starts and random targets (default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--json", description = "print one JSON object: attack, norm, model, source, gradient, targeted, "
            + "target_class, samples, target_excluded, clean_accuracy, results [{eps, robust_accuracy, one_step_accuracy, "
            + "pgd_accuracy, target_success, one_step_target_success, target_loss, one_step_target_loss, max_distance, "
            + "max_ball_violation, max_box_violation}], checks {max_ball_violation, max_box_violation, non_increasing, "
            + "weaker_than_one_step, weaker_than_pgd, passed}, warnings, settings {steps, restarts, random_start, alpha, "
            + "target_classes, seed}, seconds; null where a value does not apply")
    boolean json;

    @Override
    public Integer call() {
        input.dtype(dtype.get());
        for (double e : eps == null ? new double[0] : eps) {
            if (!(e >= 0) || Double.isInfinite(e)) {
                throw new IllegalArgumentException("--eps values must be finite and >= 0, got " + e);
            }
        }
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        }
        Require.atLeast("--steps", steps, 1);
        Require.atLeast("--restarts", restarts, 1);
        Require.atLeast("--target-classes", targetClasses, 1);
        Require.positive("--alpha", alpha);
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        ModelFile.Saved target = input.saved();
        ModelFile.Saved crafted = source == null ? target : input.load(source);
        if (crafted.net().inputSize() != target.net().inputSize()
                || crafted.net().outputSize() != target.net().outputSize()) {
            throw new IllegalArgumentException("--source " + source + " has " + crafted.net().inputSize() + " inputs and "
                    + crafted.net().outputSize() + " classes but --model has " + target.net().inputSize() + " and "
                    + target.net().outputSize());
        }
        Dataset data = input.data("test", samples);
        if (source != null) {
            ModelOptions.requireFiniteLoss(source, crafted.net(), data);
        }
        BackwardPath path = path(gradient, crafted);
        GradientSource src = new GradientSource(crafted.net(), path);
        DoubleFunction<Attack> at = attackAt(src);
        Targeting targeting = targeted || targetClass != null
                ? Targeting.parse(targetClass == null ? "random" : targetClass) : Targeting.none();
        boolean baseline = !attack.equalsIgnoreCase("fgsm");
        boolean apgd = at.apply(0) instanceof Apgd;
        if (apgd && targeting.targeted()) {
            throw new IllegalArgumentException("--attack " + attack + " is untargeted (apgd-t picks its own target "
                    + "classes): drop --targeted/--target-class");
        }
        if (apgd && (alpha != null || !randomStart)) {
            throw new IllegalArgumentException("--alpha and --random-start apply to pgd; APGD sets its own step size and "
                    + "always starts at random on the ball's surface");
        }

        long start = System.nanoTime();
        Robustness settings = Robustness.create().targeting(targeting).oneStep(baseline).seed(seed).batch(batch);
        if (apgd) {
            Norm norm = at.apply(0).norm();
            settings.pgdReference(e -> pgd(src, norm, e));
        }
        Robustness.Report r = (eps == null ? settings : settings.eps(eps)).run(target.net(), at, data);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> warnings = new ArrayList<>();
        for (String w : r.warnings()) {
            // Crafted on another model, iterative attacks often transfer worse than one step: not masking.
            warnings.add(source != null && w.contains("masked gradients")
                    ? w + " (or, in a transfer attack, the multi-step attack overfitting the source model)" : w);
        }
        if (path != BackwardPath.TRUE) {
            warnings.add(0, "attacking through the " + crafted.rule() + " rule's " + path.id()
                    + " path, not the input gradient: robust accuracy is an upper bound (gradient masking)");
        }
        r = r.withWarnings(warnings);
        String gradientName = path.id();

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            boolean fgsm = !baseline;
            Integer targets = at.apply(0) instanceof Apgd a && a.objective() == Apgd.Objective.DLR_TARGETED
                    ? a.targetClasses() : null;
            Output.json(out, new Models(input.model.toString(), source == null ? null : source.toString(), gradientName), r,
                    new Run(new Settings(fgsm ? 1 : steps, fgsm ? 1 : restarts, !fgsm && randomStart, alpha, targets, seed),
                            seconds));
            return 0;
        }
        out.printf(Locale.ROOT, "%s (%s, %s) on %d samples of %s, gradient %s%s: clean accuracy %.4f%n", r.attack(),
                r.norm(), r.targeted() ? "target " + r.targetClass() : "untargeted", r.samples(), data.name(), gradientName,
                source == null ? "" : ", crafted on " + source, r.cleanAccuracy());
        if (r.targetExcluded() > 0) {
            out.printf(Locale.ROOT, "  %d samples already of the target class are left out of target success%n",
                    r.targetExcluded());
        }
        for (Robustness.Point p : r.results()) {
            out.printf(Locale.ROOT, "  eps %-8s robust accuracy %.4f%s%s%s%n", p.eps(), p.robustAccuracy(),
                    Double.isNaN(p.oneStepAccuracy()) ? "" : String.format(Locale.ROOT, "  (one step %.4f)", p.oneStepAccuracy()),
                    Double.isNaN(p.pgdAccuracy()) ? "" : String.format(Locale.ROOT, "  (PGD %.4f)", p.pgdAccuracy()),
                    !r.targeted() ? "" : String.format(Locale.ROOT, "  target hit %.4f%s", p.targetSuccess(),
                            Double.isNaN(p.oneStepTargetSuccess()) ? ""
                                    : String.format(Locale.ROOT, " (one step %.4f)", p.oneStepTargetSuccess())));
        }
        out.printf(Locale.ROOT, "checks: ball violation %.3g, box violation %.3g, non-increasing %s -> %s (%.1f s)%n",
                r.checks().maxBallViolation(), r.checks().maxBoxViolation(), r.checks().nonIncreasing(),
                r.checks().passed() ? "ok" : "FAILED", seconds);
        for (String w : warnings) {
            out.println("warning: " + w);
        }
        out.flush();
        return 0;
    }

    /** Which models and path the --json output describes (source is null unless a transfer attack). */
    record Models(String model, String source, String gradient) {
    }

    /** The attack's settings as run (alpha null: 2.5 eps / steps, or APGD's own schedule; targetClasses: apgd-t only). */
    record Settings(int steps, int restarts, boolean randomStart, Double alpha, Integer targetClasses, long seed) {
    }

    record Run(Settings settings, double seconds) {
    }

    /** The attack at a given eps; PGD's default step size follows eps. */
    DoubleFunction<Attack> attackAt(GradientSource src) {
        switch (attack.toLowerCase(Locale.ROOT)) {
            case "fgsm":
                Fgsm f = new Fgsm(src);
                return e -> f;
            case "pgd":
            case "pgd-linf":
                return e -> pgd(src, Norm.LINF, e);
            case "pgd-l2":
                return e -> pgd(src, Norm.L2, e);
            case "apgd-ce":
            case "apgd-ce-l2":
            case "apgd-t":
            case "apgd-t-l2": {
                String a = attack.toLowerCase(Locale.ROOT);
                Apgd p = new Apgd(src, a.endsWith("-l2") ? Norm.L2 : Norm.LINF,
                        a.startsWith("apgd-ce") ? Apgd.Objective.CE : Apgd.Objective.DLR_TARGETED, steps, restarts,
                        targetClasses);
                return e -> p;
            }
            default:
                throw new IllegalArgumentException("--attack must be fgsm, pgd, pgd-l2, apgd-ce, apgd-t, apgd-ce-l2 or "
                        + "apgd-t-l2, got '" + attack + "'");
        }
    }

    private Pgd pgd(GradientSource src, Norm norm, double e) {
        double a = alpha != null ? alpha : Pgd.defaultAlpha(e, steps);
        if (alpha == null && e == 0) {
            a = Double.MIN_NORMAL; // eps 0: the step is projected away anyway
        }
        return new Pgd(src, norm, a, steps, restarts, randomStart);
    }

    /** true: through W; feedback: the model's rule's own training path (DIRECT for dfa). */
    static BackwardPath path(String gradient, ModelFile.Saved m) {
        switch (gradient.toLowerCase(Locale.ROOT)) {
            case "true":
                return BackwardPath.TRUE;
            case "feedback":
                return Rule.parse(m.rule(), 1).path();
            default:
                throw new IllegalArgumentException("--gradient must be true or feedback, got '" + gradient + "'");
        }
    }
}
