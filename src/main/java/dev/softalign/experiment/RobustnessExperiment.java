package dev.softalign.experiment;

import dev.softalign.attack.Apgd;
import dev.softalign.attack.Corruption;
import dev.softalign.attack.Corruptions;
import dev.softalign.attack.Fgsm;
import dev.softalign.attack.GradientSource;
import dev.softalign.attack.Norm;
import dev.softalign.attack.Pgd;
import dev.softalign.attack.Robustness;
import dev.softalign.attack.Targeting;
import dev.softalign.attack.WorstCase;
import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.learn.TrainedModel;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Seeds;
import dev.softalign.report.Figure;
import dev.softalign.report.Lines;
import dev.softalign.report.Report;
import dev.softalign.report.Series;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import dev.softalign.report.VerdictRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Figure 5: robustness against the alignment degree a. BP and FA soft-aligned at each a of the
 * preset's grid (a = 0: B orthogonal to W, plain FA): accuracy under white-box FGSM, PGD and the
 * per-sample worst case over PGD, APGD-CE and APGD-T (L-inf, true input gradient through W) against
 * eps, and under input corruptions, on the first test samples. Robust accuracy, the claim's measure,
 * is the worst case: the field does not accept PGD alone.
 */
public final class RobustnessExperiment implements Experiment<RobustnessExperiment.Attacked> {

    /**
     * What a cell stores: FGSM and PGD against {@link #EPS} and the corruptions, each as the
     * {@code attack} and {@code corrupt} commands print it, and the worst case over PGD, APGD-CE and
     * APGD-T at each eps; figures read the accessors below.
     */
    public record Attacked(Robustness.Report fgsm, Robustness.Report pgd, List<WorstCase.Stages> worst,
                           Corruptions.Report corruptions) {

        double clean() {
            return fgsm.cleanAccuracy();
        }

        double fgsmRef() {
            return at(fgsm, REF_EPS);
        }

        double pgdRef() {
            return at(pgd, REF_EPS);
        }

        /** Robust accuracy at each eps of {@link #EPS}: no attack of PGD, APGD-CE, APGD-T broke the sample. */
        double[] robust() {
            return worst.stream().mapToDouble(WorstCase.Stages::worst).toArray();
        }

        double robustRef() {
            for (WorstCase.Stages w : worst) {
                if (w.eps() == REF_EPS) {
                    return w.worst();
                }
            }
            throw new IllegalArgumentException("eps " + REF_EPS + " is not on the grid");
        }

        double corruptionMean() {
            return corruptions.meanAccuracy();
        }

        /** Accuracy per severity (index severity - 1), averaged over the corruption types; NaN where none ran. */
        double[] perSeverity() {
            double[] sum = new double[Corruption.SEVERITIES];
            int[] count = new int[Corruption.SEVERITIES];
            for (Corruptions.Row row : corruptions.rows()) {
                sum[row.severity() - 1] += row.accuracy();
                count[row.severity() - 1]++;
            }
            for (int s = 0; s < sum.length; s++) {
                sum[s] = count[s] == 0 ? Double.NaN : sum[s] / count[s];
            }
            return sum;
        }

        /** Accuracy under one corruption averaged over its severities; NaN if it did not run (blur on non-images). */
        double corruption(Corruption kind) {
            return Stats.mean(corruptions.rows().stream().filter(r -> r.corruption().equals(kind.id()))
                    .mapToDouble(Corruptions.Row::accuracy).toArray());
        }
    }

    /** L-inf radii (inputs in [0,1]). */
    static final double[] EPS = {0.005, 0.01, 0.02, 0.03, 0.05, 0.1};
    /** The radius at which robust accuracy is compared across a (chosen before the runs, not after). */
    static final double REF_EPS = 0.02;
    /** PGD step alpha = ALPHA_FACTOR * eps / steps (torchattacks-style 2.5 eps / steps), random start. */
    static final double ALPHA_FACTOR = 2.5;
    /** Seed purpose of the worst case's random starts (one stream per eps). */
    static final int ATTACK_STARTS = 501;

    @Override
    public Class<Attacked> measurement() {
        return Attacked.class;
    }

    @Override
    public String id() {
        return "robustness";
    }

    @Override
    public String figure() {
        return "5";
    }

    @Override
    public String title() {
        return "Figure 5: adversarial and corruption robustness against the alignment degree";
    }

    /** BP, then FA aligned at each a of the preset's robustness grid. */
    static List<Groups.Condition> conditions(Preset p) {
        List<Groups.Condition> out = new ArrayList<>();
        out.add(new Groups.Condition("BP", "bp", null));
        for (double a : p.robustAligns()) {
            out.add(new Groups.Condition(Groups.aligned(a), "fa", a));
        }
        return out;
    }

    @Override
    public List<Cell> cells(Preset p) {
        return Analyses.cells(p, conditions(p), p.analysisDepth(), "pgd_steps", Integer.toString(p.pgdSteps()),
                "apgd_targets", Integer.toString(p.apgdTargets()));
    }

    @Override
    public Attacked analyze(Cell cell, Split data, TrainedModel model) {
        int n = Integer.parseInt(cell.tags().get(Analyses.SAMPLES_TAG));
        int steps = Integer.parseInt(cell.tags().get("pgd_steps"));
        int targets = Integer.parseInt(cell.tags().get("apgd_targets"));
        Dataset subset = data.test().first(Math.min(n, data.test().size()));
        long seed = cell.config().seed;
        Mlp net = model.net();
        GradientSource source = GradientSource.trueGradient(net);
        Robustness.Report fgsm = Robustness.evaluate(net, new Fgsm(source), subset, EPS, Targeting.none(), false, seed,
                subset.size());
        Robustness.Report pgd = Robustness.evaluate(net, e -> new Pgd(source, Norm.LINF, ALPHA_FACTOR * e / steps,
                steps, 1, true), subset, EPS, Targeting.none(), false, seed, subset.size());
        // PGD on every sample, APGD-CE on what PGD left, APGD-T on what both left (AutoAttack's order).
        Apgd ce = new Apgd(source, Norm.LINF, Apgd.Objective.CE, steps, 1, 1);
        Apgd dlr = new Apgd(source, Norm.LINF, Apgd.Objective.DLR_TARGETED, steps, 1, targets);
        List<WorstCase.Stages> worst = new ArrayList<>();
        for (int e = 0; e < EPS.length; e++) {
            Pgd first = new Pgd(source, Norm.LINF, ALPHA_FACTOR * EPS[e] / steps, steps, 1, true);
            worst.add(WorstCase.stages(net, List.of(first, ce, dlr), subset, EPS[e], Seeds.stream(seed, ATTACK_STARTS, e),
                    subset.size()));
        }
        return new Attacked(fgsm, pgd, worst, Corruptions.evaluate(net, subset, Arrays.asList(Corruption.values()), seed));
    }

    /** Robust accuracy at each eps of a report. */
    static double[] accuracies(Robustness.Report report) {
        return report.results().stream().mapToDouble(Robustness.Point::robustAccuracy).toArray();
    }

    /** Robust accuracy at eps (one of the report's radii). */
    static double at(Robustness.Report report, double eps) {
        for (Robustness.Point point : report.results()) {
            if (point.eps() == eps) {
                return point.robustAccuracy();
            }
        }
        throw new IllegalArgumentException("eps " + eps + " is not on the grid");
    }

    /** Chance accuracy for a diverged cell (its network predicts nothing better), as in figure 1. */
    static double orChance(CellResult<Attacked> r, ToDoubleFunction<Attacked> f, int classes) {
        return r.diverged() ? 1.0 / classes : r.value(f);
    }

    static double mean(List<CellResult<Attacked>> results, String group, ToDoubleFunction<Attacked> f, int classes) {
        return Stats.mean(Analyses.values(results, group, r -> orChance(r, f, classes)));
    }

    /** Half-width of the 95 % confidence interval over the group's seeds (NaN with one seed). */
    static double ci95(List<CellResult<Attacked>> results, String group, ToDoubleFunction<Attacked> f, int classes) {
        return Stats.ci95(Analyses.values(results, group, r -> orChance(r, f, classes)));
    }

    /** "±x.x" in percentage points, "n/a" when the interval does not exist (one seed). */
    static String plusMinus(double halfWidth) {
        return Double.isFinite(halfWidth) ? "±" + Fmt.points(halfWidth) : "n/a";
    }

    /** The report, read as its table of contents: claims, setup, figures, table, verdicts. */
    @Override
    public Report report(Preset p, Split data, List<CellResult<Attacked>> results) {
        int classes = data.train().classes();
        List<String> groups = new ArrayList<>(Groups.byGroup(results).keySet());
        Report rep = new Report(title());
        rep.text(claims(p));
        rep.text(setup(p));
        rep.text("Caveat: robust and corrupted accuracies are absolute, so they carry each condition's clean "
                + "accuracy with them (the 'clean' line and the table's first column); the eps of the comparison across "
                + "a (" + REF_EPS + ") was fixed before any run.");
        rep.text("Hyper-parameters: " + p.rationale());
        rep.figure(robustAgainstEps(p, results, groups, classes));
        rep.figure(pgdAgainstEps(p, results, groups, classes));
        rep.figure(fgsmAgainstEps(results, groups, classes));
        rep.figure(robustAgainstA(p, results, classes));
        rep.figure(corruptionAgainstA(p, results, classes));
        rep.table("robustness", "Robustness per condition", "Means over seeds, accuracy in %.", table(results, groups, classes));
        rep.verdicts(verdicts(p, results, classes));
        return rep;
    }

    static String claims(Preset p) {
        return "Claims tested: (4) robustness to input corruptions improves with the initial alignment compared with "
                + "plain FA; (5) a moderate deviation from exact symmetry (0 < a < 1) gives better adversarial "
                + "robustness than BP. One network per condition and seed, " + p.analysisDepth() + " hidden layers, "
                + "trained for " + p.epochs() + " epochs; FA a=0 has B orthogonal to W at initialisation (plain FA), "
                + "FA a=1 has B = W at initialisation. Attacks and corruptions use the first " + p.analysisSamples()
                + " test samples.";
    }

    static String setup(Preset p) {
        return "Setup, the same for every rule: " + p.describe() + ". Attacks are white-box and untargeted on the "
                + "cross-entropy of the logits, with the true input gradient through W (attacking through B would "
                + "mask gradients): FGSM, and L-inf PGD with " + p.pgdSteps() + " steps of " + ALPHA_FACTOR
                + " eps / steps from a random start, projected to the eps-ball and clipped to [0,1]. Robust accuracy is "
                + "the per-sample worst case over PGD, APGD-CE and APGD-T (Croce and Hein 2020, AutoAttack's two attacks "
                + "that need no extra model: its step-size schedule, momentum 0.75, " + p.pgdSteps() + " steps per run, "
                + "one restart), run in AutoAttack's order, each on the samples the earlier ones left correct; APGD-T "
                + "targets the top " + p.apgdTargets() + " other classes in turn" + (p.apgdTargets() < Apgd.TARGET_CLASSES
                        ? " (AutoAttack uses 9; fewer in this preset to keep its run short)" : " (AutoAttack's default)")
                + ". Corruptions: "
                + "Gaussian noise, salt-and-pepper, Gaussian blur and contrast at severities 1-5 (blur only for image "
                + "data). Seeded by the cell's seed. A diverged cell counts at chance accuracy.";
    }

    /** 0 (clean) followed by the eps grid. */
    static double[] epsAxis() {
        double[] x = new double[EPS.length + 1];
        System.arraycopy(EPS, 0, x, 1, EPS.length);
        return x;
    }

    static Figure robustAgainstEps(Preset p, List<CellResult<Attacked>> results, List<String> groups, int classes) {
        List<Series> worst = new ArrayList<>();
        for (String g : groups) {
            worst.add(curve(g, epsAxis(), Analyses.group(results, g), Attacked::robust, classes));
        }
        return new Figure("robust-vs-eps", "Robust accuracy against eps",
                "Robust accuracy (%): the per-sample worst case over L-inf PGD-" + p.pgdSteps() + ", APGD-CE and APGD-T, "
                        + "against the radius eps (0: clean), mean +- sd over seeds.",
                new Lines("eps (L-inf)", "robust accuracy (%)", worst));
    }

    static Figure pgdAgainstEps(Preset p, List<CellResult<Attacked>> results, List<String> groups, int classes) {
        List<Series> pgd = new ArrayList<>();
        for (String g : groups) {
            pgd.add(curve(g, epsAxis(), Analyses.group(results, g), m -> accuracies(m.pgd()), classes));
        }
        return new Figure("pgd-vs-eps", "Accuracy under PGD against eps",
                "Accuracy (%) under L-inf PGD-" + p.pgdSteps() + " against the radius eps (0: clean), mean +- sd over seeds.",
                new Lines("eps (L-inf)", "robust accuracy (%)", pgd));
    }

    static Figure fgsmAgainstEps(List<CellResult<Attacked>> results, List<String> groups, int classes) {
        List<Series> fgsm = new ArrayList<>();
        for (String g : groups) {
            fgsm.add(curve(g, epsAxis(), Analyses.group(results, g), m -> accuracies(m.fgsm()), classes));
        }
        return new Figure("fgsm-vs-eps", "Accuracy under FGSM against eps",
                "Accuracy (%) under FGSM against eps (0: clean), mean +- sd over seeds.",
                new Lines("eps (L-inf)", "robust accuracy (%)", fgsm));
    }

    static Figure robustAgainstA(Preset p, List<CellResult<Attacked>> results, int classes) {
        double[] aligns = p.robustAligns();
        List<Series> ref = new ArrayList<>();
        ref.add(againstA("worst case", results, aligns, Attacked::robustRef, classes));
        ref.add(againstA("PGD", results, aligns, Attacked::pgdRef, classes));
        ref.add(againstA("FGSM", results, aligns, Attacked::fgsmRef, classes));
        ref.add(againstA("clean", results, aligns, Attacked::clean, classes));
        ref.add(flat("BP, worst case", aligns, mean(results, "BP", Attacked::robustRef, classes)));
        ref.add(flat("BP, PGD", aligns, mean(results, "BP", Attacked::pgdRef, classes)));
        ref.add(flat("BP, FGSM", aligns, mean(results, "BP", Attacked::fgsmRef, classes)));
        return new Figure("robust-vs-a", "Robust accuracy at eps " + REF_EPS + " against the alignment degree",
                "Accuracy (%) at eps = " + REF_EPS + " under the worst case over PGD, APGD-CE and APGD-T (robust "
                        + "accuracy), under PGD and FGSM alone, and clean, against a (mean +- sd over seeds); the flat "
                        + "lines are BP's at the same eps.",
                new Lines("alignment degree a", "accuracy (%)", ref));
    }

    static Figure corruptionAgainstA(Preset p, List<CellResult<Attacked>> results, int classes) {
        double[] aligns = p.robustAligns();
        List<Series> corr = new ArrayList<>();
        for (int s = 1; s <= Corruption.SEVERITIES; s++) {
            int sev = s;
            corr.add(againstA("severity " + s, results, aligns, m -> m.perSeverity()[sev - 1], classes));
        }
        corr.add(againstA("all severities", results, aligns, Attacked::corruptionMean, classes));
        corr.add(flat("BP, all severities", aligns, mean(results, "BP", Attacked::corruptionMean, classes)));
        return new Figure("corruption-vs-a", "Accuracy under corruptions against the alignment degree",
                "Accuracy (%) under input corruptions, averaged over the corruption types at each severity, against a "
                        + "(mean +- sd over seeds); the flat line is BP's accuracy averaged over types and severities.",
                new Lines("alignment degree a", "accuracy (%)", corr));
    }

    /** Accuracy (%) against eps with the clean accuracy at eps 0. */
    static Series curve(String name, double[] x, List<CellResult<Attacked>> cells, Function<Attacked, double[]> accuracy,
            int classes) {
        double[][] rows = new double[cells.size()][x.length];
        for (int i = 0; i < rows.length; i++) {
            CellResult<Attacked> r = cells.get(i);
            double[] v = r.measured == null ? null : accuracy.apply(r.measured);
            for (int j = 0; j < x.length; j++) {
                rows[i][j] = 100 * (r.diverged() ? 1.0 / classes : v == null ? Double.NaN
                        : j == 0 ? r.measured.clean() : v[j - 1]);
            }
        }
        return Series.meanSd(name, x, rows);
    }

    static Series againstA(String name, List<CellResult<Attacked>> results, double[] aligns,
            ToDoubleFunction<Attacked> f, int classes) {
        double[] y = new double[aligns.length];
        double[] err = new double[aligns.length];
        for (int i = 0; i < aligns.length; i++) {
            double[] v = Analyses.values(results, Groups.aligned(aligns[i]), r -> orChance(r, f, classes));
            y[i] = 100 * Stats.mean(v);
            err[i] = 100 * Stats.sd(v);
        }
        return new Series(name, aligns, y, err);
    }

    static Series flat(String name, double[] aligns, double value) {
        double lo = Arrays.stream(aligns).min().orElse(0);
        double hi = Arrays.stream(aligns).max().orElse(1);
        return Series.of(name, new double[] {lo, hi}, new double[] {100 * value, 100 * value});
    }

    static Table table(List<CellResult<Attacked>> results, List<String> groups, int classes) {
        StringColumn cond = StringColumn.create("condition");
        StringColumn clean = StringColumn.create("clean");
        StringColumn cleanCi = StringColumn.create("clean 95% CI");
        StringColumn f = StringColumn.create("FGSM eps " + REF_EPS);
        StringColumn pg = StringColumn.create("PGD eps " + REF_EPS);
        StringColumn worst = StringColumn.create("robust (worst case) eps " + REF_EPS);
        StringColumn worstCi = StringColumn.create("robust 95% CI");
        StringColumn corr = StringColumn.create("corruptions (mean)");
        List<StringColumn> kinds = new ArrayList<>();
        for (Corruption k : Corruption.values()) {
            kinds.add(StringColumn.create(k.id()));
        }
        IntColumn diverged = IntColumn.create("diverged");
        for (String g : groups) {
            cond.append(g);
            clean.append(Fmt.pct(mean(results, g, Attacked::clean, classes)));
            cleanCi.append(plusMinus(ci95(results, g, Attacked::clean, classes)));
            f.append(Fmt.pct(mean(results, g, Attacked::fgsmRef, classes)));
            pg.append(Fmt.pct(mean(results, g, Attacked::pgdRef, classes)));
            worst.append(Fmt.pct(mean(results, g, Attacked::robustRef, classes)));
            worstCi.append(plusMinus(ci95(results, g, Attacked::robustRef, classes)));
            corr.append(Fmt.pct(mean(results, g, Attacked::corruptionMean, classes)));
            for (int i = 0; i < kinds.size(); i++) {
                Corruption kind = Corruption.values()[i];
                kinds.get(i).append(Fmt.pct(mean(results, g, m -> m.corruption(kind), classes)));
            }
            diverged.append((int) Analyses.diverged(results, g));
        }
        Table t = Table.create("robustness", cond, clean, cleanCi, f, pg, worst, worstCi, corr);
        kinds.forEach(t::addColumns);
        t.addColumns(diverged);
        return t;
    }

    /** Binomial standard error of an accuracy p measured on n samples. */
    static double stderr(double p, int n) {
        return n <= 0 ? Double.NaN : Math.sqrt(p * (1 - p) / n);
    }

    static List<Verdict> verdicts(Preset p, List<CellResult<Attacked>> results, int classes) {
        return List.of(corruptionVerdict(p, results, classes), adversarialVerdict(p, results, classes));
    }

    /** Claim 4: FA at every a > 0 of the grid against plain FA (a = 0), on corrupted inputs. */
    static Verdict corruptionVerdict(Preset p, List<CellResult<Attacked>> results, int classes) {
        double[] aligns = p.robustAligns();
        boolean hasZero = Arrays.stream(aligns).anyMatch(a -> a == 0);
        double zero = hasZero ? mean(results, Groups.aligned(0), Attacked::corruptionMean, classes) : Double.NaN;
        VerdictRule rule = VerdictRule.allOf("mean accuracy over corruption types and severities, mean over seeds");
        StringBuilder m = new StringBuilder();
        int compared = 0;
        for (double a : aligns) {
            String g = Groups.aligned(a);
            double v = mean(results, g, Attacked::corruptionMean, classes);
            m.append(m.length() == 0 ? "" : ", ").append(g).append(" ").append(Fmt.pct(v)).append(" (clean ")
                    .append(Fmt.pct(mean(results, g, Attacked::clean, classes))).append(")");
            if (a > 0 && Double.isFinite(v)) {
                compared++;
                rule.criterion(g + " beats plain FA (FA a=0)", v > zero);
            }
        }
        m.append("; BP ").append(Fmt.pct(mean(results, "BP", Attacked::corruptionMean, classes)));
        if (compared == 0) {
            rule.criterion("FA at some a > 0 of the grid beats plain FA (FA a=0)", false);
        }
        rule.decidableIf(Double.isFinite(zero) && compared > 0);
        return rule.verdict("4. Robustness to input corruptions improves with initial alignment (vs plain FA)", m.toString());
    }

    /** Claim 5: the best a of the grid against BP in robust accuracy (worst case over the attacks) at REF_EPS. */
    static Verdict adversarialVerdict(Preset p, List<CellResult<Attacked>> results, int classes) {
        double[] aligns = p.robustAligns();
        int n = p.analysisSamples() * p.seeds();
        double bp = mean(results, "BP", Attacked::robustRef, classes);
        double best = Double.NEGATIVE_INFINITY;
        double bestA = Double.NaN;
        StringBuilder m = new StringBuilder("BP ").append(Fmt.pct(bp));
        for (double a : aligns) {
            double v = mean(results, Groups.aligned(a), Attacked::robustRef, classes);
            m.append(", ").append(Groups.aligned(a)).append(" ").append(Fmt.pct(v));
            if (Double.isFinite(v) && v > best) {
                best = v;
                bestA = a;
            }
        }
        boolean decidable = !Double.isNaN(bestA) && Double.isFinite(bp);
        // With two seeds or more per group: the 95 % interval of the difference over seeds (Welch);
        // with one seed there is no spread over seeds, and the binomial standard error stands in.
        double interval = decidable ? Stats.welchCi95(
                Analyses.values(results, Groups.aligned(bestA), r -> orChance(r, Attacked::robustRef, classes)),
                Analyses.values(results, "BP", r -> orChance(r, Attacked::robustRef, classes))) : Double.NaN;
        boolean overSeeds = Double.isFinite(interval);
        double margin = overSeeds ? interval : stderr(bp, n);
        if (decidable) {
            m.append(String.format(Locale.ROOT, "; best a = %s, %s vs BP (%s %s)", Groups.trim(bestA),
                    Fmt.points(best - bp), overSeeds ? "95% interval of the difference over seeds +-"
                            : "one seed: binomial standard error", Fmt.points(margin)));
        }
        return VerdictRule.allOf("robust accuracy (worst case over PGD, APGD-CE, APGD-T) at eps " + REF_EPS
                        + ", mean over seeds")
                .criterion("the best a of the grid lies strictly between 0 and 1", bestA > 0 && bestA < 1)
                .criterion("it beats BP by more than the 95% confidence interval of the difference over seeds (Welch; "
                        + "with one seed, by more than one binomial standard error on the samples)", best - bp > margin)
                .decidableIf(decidable)
                .verdict("5. Moderate deviation from exact symmetry gives better adversarial robustness than BP",
                        m.toString());
    }
}
