package dev.softalign.experiment;

import dev.softalign.analysis.GradientFlow;
import dev.softalign.analysis.GradientFlowReport;
import dev.softalign.analysis.SharpnessTrajectory;
import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.learn.Rule;
import dev.softalign.learn.TrainedModel;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Mlp;
import dev.softalign.report.Figure;
import dev.softalign.report.Lines;
import dev.softalign.report.Report;
import dev.softalign.report.Series;
import dev.softalign.report.Stats;
import dev.softalign.report.Verdict;
import dev.softalign.report.VerdictRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Figure 3: gradient flow across depth. For BP, FA and soft-aligned FA at the preset's curve depth,
 * after training and at initialisation: per layer the size of the backward signal (true and the
 * rule's), the cosine between the rule's update and the true gradient, and the top singular value
 * and condition number of the rule's error-propagation Jacobian ({@link GradientFlow}).
 */
public final class GradflowExperiment implements Experiment<GradflowExperiment.Flow> {

    /**
     * What a cell stores: the gradient flow of the trained network and of the same network as
     * initialised, each as the {@code gradflow} command prints it, and the sharpness along its
     * training as {@code train --sharpness} prints it.
     */
    public record Flow(GradientFlowReport trained, GradientFlowReport init, SharpnessTrajectory.Result sharpness) {
    }

    /** Cell tag: the top Hessian eigenvalue along training is measured on this many training samples. */
    static final String SHARPNESS_TAG = "sharpness_samples";

    /** Which of a cell's two networks a figure or verdict reads. */
    enum When {
        TRAINED("after training", Flow::trained), INIT("at initialisation", Flow::init);

        final String label;
        final Function<Flow, GradientFlowReport> of;

        When(String label, Function<Flow, GradientFlowReport> of) {
            this.label = label;
            this.of = of;
        }

        /** Largest over smallest per-layer norm of the rule's backward signal. */
        ToDoubleFunction<Flow> spread() {
            return f -> Analyses.spread(of.apply(f).deltaNormRule());
        }

        /** Geometric mean over layers of the rule's Jacobian condition number. */
        ToDoubleFunction<Flow> condition() {
            return f -> Analyses.geometricMean(of.apply(f).jacobianConditionRule());
        }

        /** Mean over the layers below the output of cos(update, true gradient). */
        ToDoubleFunction<Flow> cosine() {
            return f -> hiddenMean(of.apply(f).gradCosine());
        }

        Function<Flow, double[]> array(Function<GradientFlowReport, double[]> column) {
            return f -> column.apply(of.apply(f));
        }
    }

    @Override
    public Class<Flow> measurement() {
        return Flow.class;
    }

    @Override
    public String id() {
        return "gradflow";
    }

    @Override
    public String figure() {
        return "3";
    }

    @Override
    public String title() {
        return "Figure 3: gradient flow across depth (BP, FA, soft-aligned FA)";
    }

    @Override
    public List<Cell> cells(Preset p) {
        return Analyses.cells(p, Groups.conditions(p), p.curveDepth(), SHARPNESS_TAG,
                Integer.toString(SharpnessTrajectory.DEFAULT_SAMPLES));
    }

    static int jacobianSamples(Preset p) {
        return Math.min(GradientFlow.DEFAULT_JACOBIAN_SAMPLES, p.analysisSamples());
    }

    /** Trains with the sharpness trajectory listening, then measures the flow of the trained and initial networks. */
    @Override
    public CellResult<Flow> run(Cell cell, Split data, Path folder, MatMul kernel) {
        int n = Integer.parseInt(cell.tags().get(SHARPNESS_TAG));
        SharpnessTrajectory sharpness = new SharpnessTrajectory(data.train().first(Math.min(n, data.train().size())),
                cell.config().lr, cell.config().momentum).seed(cell.config().seed);
        Training.Trained<Flow> t = Training.train(cell, data, folder, kernel, sharpness);
        if (!t.result().diverged()) {
            t.result().measured = analyze(cell, data, Training.forAnalysis(t.model(), kernel), sharpness.result());
        }
        return t.result();
    }

    static Flow analyze(Cell cell, Split data, TrainedModel model, SharpnessTrajectory.Result sharpness) {
        int n = Integer.parseInt(cell.tags().get(Analyses.SAMPLES_TAG));
        Dataset subset = data.train().first(Math.min(n, data.train().size()));
        BackwardPath path = Rule.parse(cell.config().rule, cell.config().feedbackScale).path();
        int jac = Math.min(GradientFlow.DEFAULT_JACOBIAN_SAMPLES, subset.size());
        GradientFlowReport trained = GradientFlowReport.of(GradientFlow.of(model.net(), path, subset, jac));
        // The trained model does not keep its initial weights; the seeded initialisation rebuilds them exactly.
        Mlp init = Trainer.initialize(cell.config(), data.train(), model.net().kernel());
        return new Flow(trained, GradientFlowReport.of(GradientFlow.of(init, path, subset, jac)), sharpness);
    }

    /** Mean over the layers whose update passes through the feedback (all but the last). */
    static double hiddenMean(double[] cos) {
        double s = 0;
        for (int i = 0; i < cos.length - 1; i++) {
            s += cos[i];
        }
        return cos.length < 2 ? Double.NaN : s / (cos.length - 1);
    }

    /** The report, read as its table of contents: claim, setup, figures, summary table, verdicts. */
    @Override
    public Report report(Preset p, Split data, List<CellResult<Flow>> results) {
        Figures f = new Figures(results, p.curveDepth() + 1);
        Report rep = new Report(title());
        rep.text(claim(p));
        rep.text(setup(p));
        rep.text("Hyper-parameters: " + p.rationale());
        rep.figure(f.backwardSignalRule());
        rep.figure(f.backwardSignalTrue());
        rep.figure(f.backwardSignalRuleInit());
        rep.figure(f.cosine());
        rep.figure(f.jacobianMax());
        rep.figure(f.jacobianCondition());
        rep.figure(f.sharpness(p));
        rep.figure(f.lossOscillation(p));
        rep.table("summary", "Gradient-flow summary per condition",
                "Means over seeds. Spread: largest over smallest per-layer norm of the rule's backward signal. "
                        + "Condition: geometric mean over layers of the rule's Jacobian condition number. Cosine: mean "
                        + "over the layers below the output of cos(update, true gradient).",
                table(results, f.groups));
        rep.table("sharpness-vs-epoch", "Top Hessian eigenvalue per cell and epoch", "The numbers behind the "
                + "sharpness figure, one row per cell and epoch (0: as initialised).", sharpnessTable(results));
        rep.verdicts(verdicts(p, results));
        return rep;
    }

    static String claim(Preset p) {
        return "Claim tested (4): a one-time soft alignment at initialisation gives smoother gradient flow than "
                + "plain feedback alignment. One network per condition and seed, " + p.curveDepth() + " hidden layers, "
                + "trained for " + p.epochs() + " epochs; the flow is measured on the first " + p.analysisSamples()
                + " training samples, after training and on the same network at initialisation (rebuilt from its seed).";
    }

    static String setup(Preset p) {
        int layers = p.curveDepth() + 1;
        return "Setup, the same for every rule: " + p.describe() + ". Layer l is the l-th weight matrix (0 takes the "
                + "input, " + (layers - 1) + " gives the logits). The backward signal of layer l is the mean over samples "
                + "of the per-sample norm of dL/da_l at its pre-activation, sent down through W^T (true) or through the "
                + "rule's feedback B^T; at the last layer both are the output error. Jacobian spectra use the first "
                + jacobianSamples(p) + " samples: J_l maps the output error to the signal entering layer l. Read as "
                + "optimisation dynamics, smoother flow is also a flatter path and a calmer loss: the top Hessian "
                + "eigenvalue of the true loss on the first " + SharpnessTrajectory.DEFAULT_SAMPLES + " training "
                + "samples after initialisation and after every epoch (Lanczos to a relative residual of "
                + SharpnessTrajectory.DEFAULT_TOL + "), against the edge of stability 2/lr, and the step-to-step "
                + "oscillation of the mini-batch training loss, mean |ln L_t - ln L_(t-1)| over consecutive steps.";
    }

    /** The figures, one method each, over the conditions present in the results. */
    record Figures(List<CellResult<Flow>> results, List<String> groups, double[] x) {

        Figures(List<CellResult<Flow>> results, int layers) {
            this(results, new ArrayList<>(Groups.byGroup(results).keySet()), Analyses.range(layers));
        }

        private List<Series> of(When when, Function<GradientFlowReport, double[]> column) {
            return series(results, groups, x, when.array(column));
        }

        Figure backwardSignalRule() {
            return new Figure("backward-signal-rule", "Rule's backward signal per layer, after training",
                    "Norm of the backward signal each rule actually sends down (BP: W^T, FA: B^T), per layer, mean +- sd "
                            + "over seeds, log scale. A flat profile is smooth flow; a steep one vanishes or explodes with depth.",
                    new Lines("layer", "backward signal norm", of(When.TRAINED, GradientFlowReport::deltaNormRule)).logY(true));
        }

        Figure backwardSignalTrue() {
            return new Figure("backward-signal-true", "True backward signal per layer, after training",
                    "Norm of the true gradient's backward signal (through W^T) in each rule's trained network, mean +- sd "
                            + "over seeds, log scale.",
                    new Lines("layer", "backward signal norm", of(When.TRAINED, GradientFlowReport::deltaNormTrue)).logY(true));
        }

        Figure backwardSignalRuleInit() {
            return new Figure("backward-signal-rule-init", "Rule's backward signal per layer, at initialisation",
                    "As the first figure, on each network as initialised (after the one-time alignment, before training).",
                    new Lines("layer", "backward signal norm", of(When.INIT, GradientFlowReport::deltaNormRule)).logY(true));
        }

        Figure cosine() {
            return new Figure("cosine", "Cosine between the rule's update and the true gradient per layer",
                    "Cosine between each layer's weight-and-bias update computed by the rule and the true gradient, after "
                            + "training, mean +- sd over seeds. 1 is the gradient itself (BP, and every rule's last layer).",
                    new Lines("layer", "cos(update, gradient)", of(When.TRAINED, GradientFlowReport::gradCosine)));
        }

        Figure jacobianMax() {
            return new Figure("jacobian-max", "Top singular value of the rule's error-propagation Jacobian",
                    "Largest singular value of J_l along the rule's backward path, mean over samples, after training; "
                            + "mean +- sd over seeds, log scale. Above 1 the error grows on its way down, below 1 it shrinks.",
                    new Lines("layer", "largest singular value", of(When.TRAINED, GradientFlowReport::jacobianSvMaxRule)).logY(true));
        }

        Figure jacobianCondition() {
            return new Figure("jacobian-condition", "Condition number of the rule's error-propagation Jacobian",
                    "Largest over smallest non-zero singular value of J_l along the rule's path (of the per-index means "
                            + "over samples), after training; mean +- sd over seeds, log scale. Large: the error reaches "
                            + "the layer squeezed into few directions.",
                    new Lines("layer", "condition number", of(When.TRAINED, GradientFlowReport::jacobianConditionRule)).logY(true));
        }

        /** Per condition over epochs 0..epochs (mean +- sd over seeds) of a per-epoch array of the sharpness record. */
        private List<Series> perEpoch(int epochs, Function<SharpnessTrajectory.Result, double[]> column) {
            double[] epochX = Analyses.range(epochs + 1);
            List<Series> out = new ArrayList<>();
            for (String g : groups) {
                out.add(Analyses.meanSd(g, epochX, Analyses.group(results, g), f -> column.apply(f.sharpness())));
            }
            return out;
        }

        Figure sharpness(Preset p) {
            List<Series> lines = perEpoch(p.epochs(), SharpnessTrajectory.Result::topEigenvalues);
            lines.add(Series.of("2/lr (edge of stability)", new double[] {0, p.epochs()},
                    new double[] {2 / p.lr(), 2 / p.lr()}));
            return new Figure("sharpness", "Top Hessian eigenvalue along training, against 2/lr",
                    "Largest eigenvalue of the Hessian of the true training loss on the first "
                            + SharpnessTrajectory.DEFAULT_SAMPLES + " training samples, after initialisation (epoch 0) "
                            + "and after every epoch, mean +- sd over seeds, log scale; the flat line is 2/lr, the edge "
                            + "of stability of plain gradient descent (with momentum " + p.momentum() + " the bound "
                            + "is (2 + 2 momentum)/lr = " + Fmt.num((2 + 2 * p.momentum()) / p.lr()) + "). Per-cell "
                            + "numbers: sharpness-vs-epoch.csv.",
                    new Lines("epoch", "top Hessian eigenvalue", lines).logY(true));
        }

        Figure lossOscillation(Preset p) {
            List<Series> lines = new ArrayList<>();
            for (Series s : perEpoch(p.epochs(), SharpnessTrajectory.Result::lossOscillation)) {
                // Epoch 0 has no steps: drawn from epoch 1.
                int n = s.x().length;
                lines.add(new Series(s.name(), Arrays.copyOfRange(s.x(), 1, n), Arrays.copyOfRange(s.y(), 1, n),
                        s.err() == null ? null : Arrays.copyOfRange(s.err(), 1, n)));
            }
            return new Figure("loss-oscillation", "Step-to-step oscillation of the training loss",
                    "Mean over consecutive optimisation steps of |ln L_t - ln L_(t-1)|, the relative change of the "
                            + "mini-batch training loss from one step to the next, per epoch, mean +- sd over seeds. "
                            + "Smaller is smoother descent; consecutive steps see different mini-batches, so it holds "
                            + "sampling noise too, which grows relative to the loss as the loss falls: read it beside "
                            + "each rule's training loss (figure 2).",
                    new Lines("epoch", "mean |delta ln loss| per step", lines));
        }
    }

    /** One row per measured cell and epoch: condition, seed, epoch, top_eigenvalue (what sharpness-vs-epoch.csv holds). */
    static Table sharpnessTable(List<CellResult<Flow>> results) {
        StringColumn condition = StringColumn.create("condition");
        IntColumn seed = IntColumn.create("seed");
        IntColumn epoch = IntColumn.create("epoch");
        DoubleColumn top = DoubleColumn.create(SharpnessTrajectory.COLUMN);
        for (CellResult<Flow> r : results) {
            double[] v = r.array(f -> f.sharpness().topEigenvalues());
            for (int e = 0; e < v.length; e++) {
                condition.append(r.group());
                seed.append((int) r.config.seed);
                epoch.append(e);
                top.append(v[e]);
            }
        }
        return Table.create("sharpness-vs-epoch", condition, seed, epoch, top);
    }

    static List<Series> series(List<CellResult<Flow>> results, List<String> groups, double[] x,
            Function<Flow, double[]> array) {
        List<Series> out = new ArrayList<>();
        for (String g : groups) {
            out.add(Analyses.meanSd(g, x, Analyses.group(results, g), array));
        }
        return out;
    }

    static Table table(List<CellResult<Flow>> results, List<String> groups) {
        StringColumn cond = StringColumn.create("condition");
        StringColumn spread = StringColumn.create("spread (trained)");
        StringColumn spreadInit = StringColumn.create("spread (init)");
        StringColumn jc = StringColumn.create("condition (trained)");
        StringColumn jcInit = StringColumn.create("condition (init)");
        StringColumn cos = StringColumn.create("cosine (trained)");
        StringColumn cosInit = StringColumn.create("cosine (init)");
        IntColumn diverged = IntColumn.create("diverged");
        for (String g : groups) {
            cond.append(g);
            spread.append(Fmt.num(Analyses.mean(results, g, When.TRAINED.spread())));
            spreadInit.append(Fmt.num(Analyses.mean(results, g, When.INIT.spread())));
            jc.append(Fmt.num(Analyses.mean(results, g, When.TRAINED.condition())));
            jcInit.append(Fmt.num(Analyses.mean(results, g, When.INIT.condition())));
            cos.append(Fmt.num(Analyses.mean(results, g, When.TRAINED.cosine())));
            cosInit.append(Fmt.num(Analyses.mean(results, g, When.INIT.cosine())));
            diverged.append((int) Analyses.diverged(results, g));
        }
        return Table.create("summary", cond, spread, spreadInit, jc, jcInit, cos, cosInit, diverged);
    }

    /** Claim 4 after training and at initialisation: the most aligned FA against plain FA. */
    static List<Verdict> verdicts(Preset p, List<CellResult<Flow>> results) {
        String aligned = p.aligns().length == 0 ? null : Groups.aligned(p.aligns()[p.aligns().length - 1]);
        List<Verdict> out = new ArrayList<>();
        out.add(verdict(results, aligned, When.TRAINED));
        out.add(verdict(results, aligned, When.INIT));
        out.add(sharpnessVerdict(p, results, aligned));
        return out;
    }

    /** Mean over the epochs after initialisation of a cell's top Hessian eigenvalue. */
    static double meanSharpness(Flow f) {
        double[] top = f.sharpness().topEigenvalues();
        return Stats.mean(Arrays.copyOfRange(top, Math.min(1, top.length), top.length));
    }

    /** Claim 4 read as optimisation dynamics: sharpness along training and the loss's step-to-step oscillation. */
    static Verdict sharpnessVerdict(Preset p, List<CellResult<Flow>> results, String aligned) {
        String claim = "4. Initial alignment gives smoother gradient flow than plain FA (optimisation dynamics: "
                + "sharpness along training, loss oscillation)";
        ToDoubleFunction<Flow> oscillation = f -> f.sharpness().meanLossOscillation();
        double sA = Analyses.mean(results, aligned, GradflowExperiment::meanSharpness);
        double sF = Analyses.mean(results, "FA", GradflowExperiment::meanSharpness);
        double oA = Analyses.mean(results, aligned, oscillation);
        double oF = Analyses.mean(results, "FA", oscillation);
        VerdictRule rule = VerdictRule.allOf("for the most aligned FA (" + aligned + ") against plain FA, means over "
                + "seeds")
                .criterion("its top Hessian eigenvalue on the training subset, averaged over the epochs after "
                        + "initialisation, is smaller than plain FA's", sA < sF)
                .criterion("its step-to-step oscillation of the training loss (mean |ln L_t - ln L_(t-1)| over all "
                        + "steps) is smaller than plain FA's", oA < oF)
                .decidableIf(aligned != null && Double.isFinite(sA) && Double.isFinite(sF) && Double.isFinite(oA)
                        && Double.isFinite(oF));
        if (aligned == null) {
            return rule.verdict(claim, "no soft-aligned condition in this preset");
        }
        StringBuilder m = new StringBuilder();
        for (String g : Groups.byGroup(results).keySet()) {
            m.append(m.length() == 0 ? "" : "; ").append(g).append(": sharpness ")
                    .append(Fmt.num(Analyses.mean(results, g, GradflowExperiment::meanSharpness))).append(" (largest ")
                    .append(Fmt.num(Stats.mean(Analyses.values(results, g, r -> r.value(f -> Arrays.stream(
                            f.sharpness().topEigenvalues()).max().orElse(Double.NaN))))))
                    .append("), oscillation ").append(Fmt.num(Analyses.mean(results, g, oscillation)));
        }
        m.append("; 2/lr = ").append(Fmt.num(2 / p.lr())).append("; diverged cells (not measured): FA ")
                .append(Analyses.diverged(results, "FA")).append(", ").append(aligned).append(" ")
                .append(Analyses.diverged(results, aligned));
        return rule.verdict(claim, m.toString());
    }

    static Verdict verdict(List<CellResult<Flow>> results, String aligned, When when) {
        String claim = "4. Initial alignment gives smoother gradient flow than plain FA (" + when.label + ")";
        double sA = Analyses.mean(results, aligned, when.spread());
        double sF = Analyses.mean(results, "FA", when.spread());
        double cA = Analyses.mean(results, aligned, when.condition());
        double cF = Analyses.mean(results, "FA", when.condition());
        VerdictRule rule = VerdictRule.allOf(when.label + ", for the most aligned FA (" + aligned + ") against plain FA, means "
                + "over seeds")
                .criterion("the spread of its backward signal over layers (largest / smallest per-layer norm) is "
                        + "smaller than plain FA's", sA < sF)
                .criterion("the geometric mean over layers of its error-propagation Jacobian's condition number is "
                        + "smaller than plain FA's", cA < cF)
                .decidableIf(aligned != null && Double.isFinite(sA) && Double.isFinite(sF) && Double.isFinite(cA)
                        && Double.isFinite(cF));
        if (aligned == null) {
            return rule.verdict(claim, "no soft-aligned condition in this preset");
        }
        String measured = aligned + ": spread " + Fmt.num(sA) + ", condition " + Fmt.num(cA) + ", cosine "
                + Fmt.num(Analyses.mean(results, aligned, when.cosine())) + "; FA: spread " + Fmt.num(sF)
                + ", condition " + Fmt.num(cF) + ", cosine " + Fmt.num(Analyses.mean(results, "FA", when.cosine()))
                + "; BP: spread " + Fmt.num(Analyses.mean(results, "BP", when.spread())) + ", condition "
                + Fmt.num(Analyses.mean(results, "BP", when.condition())) + "; diverged cells (not measured): FA "
                + Analyses.diverged(results, "FA") + ", " + aligned + " " + Analyses.diverged(results, aligned);
        return rule.verdict(claim, measured);
    }
}
