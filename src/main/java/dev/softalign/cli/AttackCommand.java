package dev.softalign.cli;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.DoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "attack", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Robust accuracy under FGSM or PGD (L-inf, L2) on the first --samples test samples, "
                + "for each --eps, with sanity checks (ball, box, monotone accuracy, PGD not weaker than one step).",
                "Example: softalign attack --model runs/bp/model.safetensors --attack pgd --eps 0.05,0.1 --steps 20"})
final class AttackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions input;
    @Option(names = "--source", description = "transfer attack: craft on this model, evaluate on --model")
    Path source;
    @Option(names = "--attack", description = "fgsm, pgd (L-inf) or pgd-l2 (default: ${DEFAULT-VALUE})")
    String attack = "pgd";
    @Option(names = "--eps", split = ",", description = "perturbation budgets, comma-separated (default: 0.05,0.1)")
    double[] eps = {0.05, 0.1};
    @Option(names = "--alpha", description = "PGD step size (default: 2.5 * eps / steps, Madry et al.)")
    Double alpha;
    @Option(names = "--steps", description = "PGD steps (default: ${DEFAULT-VALUE})")
    int steps = 20;
    @Option(names = "--restarts", description = "PGD restarts; a sample is broken if any restart breaks it (default: ${DEFAULT-VALUE})")
    int restarts = 1;
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
    @Option(names = "--json", description = "print {\"clean_accuracy\", \"results\": [{\"eps\", \"robust_accuracy\"}], \"checks\", \"warnings\"}")
    boolean json;

    @Override
    public Integer call() {
        for (double e : eps) {
            if (!(e >= 0) || Double.isInfinite(e)) {
                throw new IllegalArgumentException("--eps values must be finite and >= 0, got " + e);
            }
        }
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be >= 1, got " + samples);
        }
        Require.atLeast("--steps", steps, 1);
        Require.atLeast("--restarts", restarts, 1);
        Require.positive("--alpha", alpha);
        if (batch < 1) {
            throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        }
        ModelFile.Saved target = input.saved();
        ModelFile.Saved crafted = source == null ? target : ModelFile.load(source);
        if (crafted.net().inputSize() != target.net().inputSize()
                || crafted.net().outputSize() != target.net().outputSize()) {
            throw new IllegalArgumentException("--source " + source + " has " + crafted.net().inputSize() + " inputs and "
                    + crafted.net().outputSize() + " classes but --model has " + target.net().inputSize() + " and "
                    + target.net().outputSize());
        }
        Dataset data = input.data("test", samples);
        BackwardPath path = path(gradient, crafted);
        GradientSource src = new GradientSource(crafted.net(), path);
        DoubleFunction<Attack> at = attackAt(src);
        Targeting targeting = targeted || targetClass != null
                ? Targeting.parse(targetClass == null ? "random" : targetClass) : Targeting.none();
        boolean baseline = !attack.equalsIgnoreCase("fgsm");

        long start = System.nanoTime();
        Robustness.Report r = Robustness.evaluate(target.net(), at, data, eps, targeting, baseline, seed, batch);
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

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, toJson(r, path, warnings, seconds));
            return 0;
        }
        out.printf(Locale.ROOT, "%s (%s, %s) on %d samples of %s, gradient %s%s: clean accuracy %.4f%n", r.attack(),
                r.norm(), r.targeting(), r.samples(), data.name(), path.id(),
                source == null ? "" : ", crafted on " + source, r.cleanAccuracy());
        for (Robustness.Point p : r.results()) {
            out.printf(Locale.ROOT, "  eps %-8s robust accuracy %.4f%s%s%n", p.eps(), p.robustAccuracy(),
                    Double.isNaN(p.baselineAccuracy()) ? "" : String.format(Locale.ROOT, "  (one step %.4f)", p.baselineAccuracy()),
                    Double.isNaN(p.targetSuccess()) ? "" : String.format(Locale.ROOT, "  target hit %.4f", p.targetSuccess()));
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
            default:
                throw new IllegalArgumentException("--attack must be fgsm, pgd or pgd-l2, got '" + attack + "'");
        }
    }

    private Pgd pgd(GradientSource src, Norm norm, double e) {
        double a = alpha != null ? alpha : 2.5 * e / steps;
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

    private Map<String, Object> toJson(Robustness.Report r, BackwardPath path, List<String> warnings, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", r.attack());
        m.put("norm", r.norm());
        m.put("model", input.model.toString());
        if (source != null) {
            m.put("source", source.toString());
        }
        m.put("gradient", path.id());
        m.put("targeted", targeting(r));
        if (targeting(r)) {
            m.put("target_class", r.targeting());
        }
        m.put("samples", r.samples());
        m.put("clean_accuracy", r.cleanAccuracy());
        List<Map<String, Object>> results = new ArrayList<>();
        for (Robustness.Point p : r.results()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("eps", p.eps());
            e.put("robust_accuracy", p.robustAccuracy());
            if (!Double.isNaN(p.baselineAccuracy())) {
                e.put("one_step_accuracy", p.baselineAccuracy());
            }
            if (!Double.isNaN(p.targetSuccess())) {
                e.put("target_success", p.targetSuccess());
            }
            e.put("max_distance", p.maxDistance());
            results.add(e);
        }
        m.put("results", results);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("max_ball_violation", r.checks().maxBallViolation());
        c.put("max_box_violation", r.checks().maxBoxViolation());
        c.put("non_increasing", r.checks().nonIncreasing());
        c.put("weaker_than_one_step", r.checks().weakerThanBaseline());
        c.put("passed", r.checks().passed());
        m.put("checks", c);
        m.put("warnings", warnings);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("steps", attack.equalsIgnoreCase("fgsm") ? 1 : steps);
        s.put("restarts", attack.equalsIgnoreCase("fgsm") ? 1 : restarts);
        s.put("random_start", !attack.equalsIgnoreCase("fgsm") && randomStart);
        if (alpha != null) {
            s.put("alpha", alpha);
        }
        s.put("seed", seed);
        m.put("settings", s);
        m.put("seconds", seconds);
        return m;
    }

    private static boolean targeting(Robustness.Report r) {
        return !r.targeting().equals("untargeted");
    }
}
