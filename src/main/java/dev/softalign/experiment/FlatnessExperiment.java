package dev.softalign.experiment;

import dev.softalign.analysis.Hessian;
import dev.softalign.analysis.Hutchinson;
import dev.softalign.analysis.Lanczos;
import dev.softalign.analysis.Sharpness;
import dev.softalign.analysis.SpectralDensity;
import dev.softalign.analysis.WeightNoise;
import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.learn.TrainedModel;
import dev.softalign.nn.Evaluation;
import dev.softalign.report.Bars;
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
import java.util.function.ToDoubleFunction;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Figure 4: flatness of the minima each rule reaches. Per condition and seed, on a fixed subset of
 * the training set: the top Hessian eigenvalue (Lanczos), the Hessian trace (Hutchinson), the
 * spectral density (stochastic Lanczos quadrature), and the loss under Gaussian weight noise.
 */
public final class FlatnessExperiment implements Experiment<FlatnessExperiment.Minimum> {

    /**
     * What a cell stores about the minimum its training reached, on the analysis subset: the top
     * Hessian eigenpair's run, the trace, the spectral density, the subset loss, the loss and
     * accuracy under weight noise at each of {@link #SIGMAS} (the first, sigma 0, is the clean
     * subset), the test loss, and the epsilon-sharpness as the {@code flatness} command prints it.
     */
    public record Minimum(Lanczos.Result top, Hutchinson.Trace trace, SpectralDensity.Density density, double subsetLoss,
            List<WeightNoise.Stat> noise, double testLoss, Sharpness.Result sharpness) {

        double topEigenvalue() {
            return top.top()[0];
        }

        double[] noiseLoss() {
            return noise.stream().mapToDouble(WeightNoise.Stat::lossMean).toArray();
        }

        double[] noiseAccuracy() {
            return noise.stream().mapToDouble(WeightNoise.Stat::accuracyMean).toArray();
        }
    }

    /** Lanczos stopping tolerance on the residual of the top eigenpair (relative); ample to rank conditions. */
    static final double TOL = 1e-4;
    static final int MAX_STEPS = 100;
    /** Hutchinson: at least / at most this many Rademacher probes, stopping at 5% relative standard error. */
    static final int TRACE_MIN = 10;
    static final int TRACE_MAX = 30;
    static final double TRACE_TARGET = 0.05;
    /** SLQ: starts and Lanczos steps per start. */
    static final int SLQ_RUNS = 3;
    static final int SLQ_STEPS = 40;
    /** Plain weight noise w + sigma z; He-normal weights of width 128 have std about 0.125. */
    static final double[] SIGMAS = {0, 0.005, 0.01, 0.02, 0.03, 0.05};
    static final int DRAWS = 5;
    /**
     * Density curves are drawn as log10 down to this fraction of their peak: isolated top
     * eigenvalues carry SLQ weights near 1/parameters, some 1e-6 of the bulk's peak.
     */
    static final double DENSITY_FLOOR = 1e-10;

    @Override
    public Class<Minimum> measurement() {
        return Minimum.class;
    }

    @Override
    public String id() {
        return "flatness";
    }

    @Override
    public String figure() {
        return "4";
    }

    @Override
    public String title() {
        return "Figure 4: flatness of the minima (Hessian spectrum, weight noise)";
    }

    @Override
    public List<Cell> cells(Preset p) {
        return Analyses.cells(p, Groups.conditions(p), p.analysisDepth());
    }

    @Override
    public Minimum analyze(Cell cell, Split data, TrainedModel model) {
        int n = Integer.parseInt(cell.tags().get(Analyses.SAMPLES_TAG));
        Dataset subset = data.train().first(Math.min(n, data.train().size()));
        long seed = cell.config().seed;
        Hessian h = Hessian.of(model.net(), subset);
        Lanczos.Result top = Lanczos.create().top(1).tol(TOL).maxSteps(MAX_STEPS).seed(seed).run(h);
        Hutchinson.Trace t = Hutchinson.create().minSamples(TRACE_MIN).maxSamples(TRACE_MAX).target(TRACE_TARGET)
                .seed(seed).run(h);
        SpectralDensity.Density d = SpectralDensity.create().runs(SLQ_RUNS).steps(SLQ_STEPS).points(200).seed(seed).run(h);
        List<WeightNoise.Stat> curve = WeightNoise.curve(model.net(), subset, WeightNoise.Kind.PLAIN, SIGMAS, DRAWS, seed);
        Sharpness.Result sharp = Sharpness.create().run(model.net(), subset);
        return new Minimum(top, t, d, h.loss(), curve, Evaluation.of(model.net(), data.test()).loss(), sharp);
    }

    /** The report, read as its table of contents: claim, setup, figures, table, verdicts. */
    @Override
    public Report report(Preset p, Split data, List<CellResult<Minimum>> results) {
        List<String> groups = new ArrayList<>(Groups.byGroup(results).keySet());
        Report rep = new Report(title());
        rep.text(claim(p));
        rep.text(setup(p));
        rep.text("Caveat: the rules end at different training losses (table); a network that learned less may sit "
                + "in a different region of the landscape, so the comparison is between the minima each rule reaches "
                + "in the same budget, as in the claim, not between equally trained networks.");
        rep.text("Hyper-parameters: " + p.rationale());
        rep.figure(topEigenvalue(results, groups));
        rep.figure(trace(results, groups));
        rep.figure(spectralDensity(results, groups));
        rep.figure(weightNoiseLoss(results, groups));
        rep.figure(weightNoiseAccuracy(results, groups));
        rep.table("flatness", "Flatness per condition", "Means over seeds (sd in brackets); trace stderr is the mean "
                + "of the Hutchinson standard errors; loss increase is the mean loss at sigma " + SIGMAS[SIGMAS.length - 1]
                + " minus the clean loss.", table(results, groups, data.train().classes()));
        List<Generalization.Row> rows = Generalization.rows(id(), results);
        rep.text("Flatter minima, better generalization, over this experiment's cells: " + Generalization.method()
                + " The probe is the one every cell of every experiment carries; `reproduce` reads it across all "
                + "cells in ../generalization/index.html (the folder beside this experiment's).");
        rep.table("generalization", "Generalization gap against flatness, across this experiment's cells",
                "Spearman rank correlation over every condition and seed, and its bootstrap 95% interval.",
                Generalization.correlationTable(Generalization.correlations(id(), rows)));
        rep.table("generalization-gap", "Generalization gap and flatness per cell", "The numbers behind the "
                + "correlations, one row per cell.", Generalization.rowTable("generalization-gap", rows));
        rep.verdicts(verdicts(p, results));
        return rep;
    }

    static String claim(Preset p) {
        return "Claim tested (4): a one-time soft alignment at initialisation leads to flatter minima (smaller top "
                + "Hessian eigenvalues) than plain feedback alignment. One network per condition and seed, "
                + p.analysisDepth() + " hidden layers, trained for " + p.epochs() + " epochs. The Hessian is that of "
                + "the true mean cross-entropy over the first " + p.analysisSamples() + " training samples with respect "
                + "to all weights and biases, whatever rule trained the network.";
    }

    static String setup(Preset p) {
        return "Setup, the same for every rule: " + p.describe() + ". Top eigenvalue: Lanczos with full "
                + "reorthogonalisation, stopping when the residual falls below " + TOL + " (relative), at most "
                + MAX_STEPS + " steps. Trace: Hutchinson with " + TRACE_MIN + " to " + TRACE_MAX + " Rademacher probes. "
                + "Density: stochastic Lanczos quadrature, " + SLQ_RUNS + " starts of " + SLQ_STEPS + " steps, Gaussian "
                + "broadening of 1% of the spread. Weight noise: every parameter plus sigma times a standard normal, "
                + DRAWS + " draws per sigma (the same draws at every sigma). Epsilon-sharpness (Keskar et al. 2017): "
                + "the largest rise of the loss in the box |y_i| <= " + Sharpness.DEFAULT_EPS + " (|w_i| + 1), "
                + Sharpness.DEFAULT_STEPS + " steps of projected sign-gradient ascent. All seeded by the cell's seed.";
    }

    /** Bars of a scalar's mean +- sd over seeds, one bar per condition. */
    static Bars bars(List<CellResult<Minimum>> results, List<String> groups, ToDoubleFunction<Minimum> value,
            String label) {
        double[] mean = new double[groups.size()];
        double[] sd = new double[groups.size()];
        for (int i = 0; i < groups.size(); i++) {
            mean[i] = Analyses.mean(results, groups.get(i), value);
            sd[i] = Analyses.sd(results, groups.get(i), value);
        }
        return new Bars("condition", label, groups, List.of(new Bars.Group(label, mean, sd)));
    }

    static Figure topEigenvalue(List<CellResult<Minimum>> results, List<String> groups) {
        return new Figure("top-eigenvalue", "Top Hessian eigenvalue per condition",
                "Largest eigenvalue of the training-loss Hessian, mean +- sd over seeds. Smaller is flatter.",
                bars(results, groups, Minimum::topEigenvalue, "top eigenvalue"));
    }

    static Figure trace(List<CellResult<Minimum>> results, List<String> groups) {
        return new Figure("trace", "Hessian trace per condition",
                "Hutchinson estimate of the Hessian trace (sum of all eigenvalues), mean +- sd over seeds; the "
                        + "estimator's own standard error is in the table.",
                bars(results, groups, m -> m.trace().mean(), "trace"));
    }

    static Figure spectralDensity(List<CellResult<Minimum>> results, List<String> groups) {
        List<Series> density = new ArrayList<>();
        for (String g : groups) {
            density.add(meanDensity(g, Analyses.group(results, g), 600));
        }
        return new Figure("spectral-density", "Hessian spectral density",
                "Eigenvalue density of the Hessian by stochastic Lanczos quadrature, averaged over seeds (each seed's "
                        + "curve interpolated onto a common grid), as log10 of the density, drawn down to "
                        + DENSITY_FLOOR + " of each curve's peak. The bulk sits near 0; the small bumps to the right "
                        + "are the few sharp directions (the top eigenvalues).",
                new Lines("eigenvalue", "log10 density", density));
    }

    static Figure weightNoiseLoss(List<CellResult<Minimum>> results, List<String> groups) {
        List<Series> noiseLoss = new ArrayList<>();
        for (String g : groups) {
            noiseLoss.add(Analyses.meanSd(g, SIGMAS, Analyses.group(results, g), Minimum::noiseLoss));
        }
        return new Figure("weight-noise-loss", "Training loss under weight noise",
                "Mean training loss over the subset when every parameter gets Gaussian noise of standard deviation "
                        + "sigma (mean over " + DRAWS + " draws), mean +- sd over seeds. A flat minimum keeps its loss "
                        + "as sigma grows.",
                new Lines("noise sigma", "train loss", noiseLoss));
    }

    static Figure weightNoiseAccuracy(List<CellResult<Minimum>> results, List<String> groups) {
        List<Series> noiseAcc = new ArrayList<>();
        for (String g : groups) {
            Series a = Analyses.meanSd(g, SIGMAS, Analyses.group(results, g), Minimum::noiseAccuracy);
            noiseAcc.add(new Series(g, a.x(), scale(a.y(), 100), scale(a.err(), 100)));
        }
        return new Figure("weight-noise-accuracy", "Training accuracy under weight noise",
                "Accuracy (%) on the subset under the same weight noise, mean +- sd over seeds.",
                new Lines("noise sigma", "accuracy (%)", noiseAcc));
    }

    static double[] scale(double[] v, double c) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * c;
        }
        return out;
    }

    /**
     * log10 of the mean over cells of their densities, each linearly interpolated onto a common grid
     * (zero outside its own grid); NaN below DENSITY_FLOOR of the peak.
     */
    static Series meanDensity(String name, List<CellResult<Minimum>> cells, int points) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<double[][]> curves = new ArrayList<>();
        for (CellResult<Minimum> r : cells) {
            double[] g = r.measured == null ? null : r.measured.density().grid();
            double[] v = r.measured == null ? null : r.measured.density().values();
            if (g != null && v != null && g.length >= 2) {
                curves.add(new double[][] {g, v});
                lo = Math.min(lo, g[0]);
                hi = Math.max(hi, g[g.length - 1]);
            }
        }
        if (curves.isEmpty()) {
            return Series.of(name, new double[0], new double[0]);
        }
        double[] x = new double[points];
        double[] y = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = lo + (hi - lo) * i / (points - 1);
            double s = 0;
            for (double[][] c : curves) {
                s += interpolate(c[0], c[1], x[i]);
            }
            y[i] = s / curves.size();
        }
        double peak = Arrays.stream(y).max().orElse(0);
        for (int i = 0; i < points; i++) {
            y[i] = y[i] >= DENSITY_FLOOR * peak && y[i] > 0 ? Math.log10(y[i]) : Double.NaN;
        }
        return Series.of(name, x, y);
    }

    static double interpolate(double[] g, double[] v, double t) {
        if (t < g[0] || t > g[g.length - 1]) {
            return 0;
        }
        int k = Arrays.binarySearch(g, t);
        if (k >= 0) {
            return v[k];
        }
        int hi = -k - 1;
        int lo = hi - 1;
        double w = (t - g[lo]) / (g[hi] - g[lo]);
        return v[lo] + w * (v[hi] - v[lo]);
    }

    static Table table(List<CellResult<Minimum>> results, List<String> groups, int classes) {
        StringColumn cond = StringColumn.create("condition");
        StringColumn top = StringColumn.create("top eigenvalue");
        StringColumn trace = StringColumn.create("trace");
        StringColumn traceErr = StringColumn.create("trace stderr");
        StringColumn loss = StringColumn.create("subset loss");
        StringColumn rise = StringColumn.create("loss increase under noise");
        StringColumn acc = StringColumn.create("test accuracy");
        IntColumn unconverged = IntColumn.create("Lanczos not converged");
        IntColumn diverged = IntColumn.create("diverged");
        for (String g : groups) {
            cond.append(g);
            top.append(withSd(Analyses.mean(results, g, Minimum::topEigenvalue),
                    Analyses.sd(results, g, Minimum::topEigenvalue)));
            trace.append(withSd(Analyses.mean(results, g, m -> m.trace().mean()),
                    Analyses.sd(results, g, m -> m.trace().mean())));
            traceErr.append(Fmt.num(Analyses.mean(results, g, m -> m.trace().stderr())));
            loss.append(Fmt.num(Analyses.mean(results, g, Minimum::subsetLoss)));
            rise.append(Fmt.num(Stats.mean(Analyses.values(results, g, FlatnessExperiment::noiseRise))));
            acc.append(Fmt.pct(Stats.mean(Analyses.values(results, g, r -> r.testAccuracy(classes)))));
            unconverged.append((int) Analyses.group(results, g).stream()
                    .filter(r -> r.measured != null && !r.measured.top().converged()).count());
            diverged.append((int) Analyses.diverged(results, g));
        }
        return Table.create("flatness", cond, top, trace, traceErr, loss, rise, acc, unconverged, diverged);
    }

    static String withSd(double mean, double sd) {
        return Fmt.num(mean) + " (" + Fmt.num(sd) + ")";
    }

    /** Loss at the largest sigma minus the clean loss; NaN without the curve. */
    static double noiseRise(CellResult<Minimum> r) {
        double[] l = r.array(Minimum::noiseLoss);
        return l.length == 0 ? Double.NaN : l[l.length - 1] - l[0];
    }

    /** Claim 4: the most aligned FA against plain FA, on the top eigenvalue and the trace; then flatness against generalization. */
    static List<Verdict> verdicts(Preset p, List<CellResult<Minimum>> results) {
        return List.of(flatterVerdict(p, results), Generalization.verdict(Generalization.rows("flatness", results),
                "this experiment's cells (every condition and seed)"));
    }

    static Verdict flatterVerdict(Preset p, List<CellResult<Minimum>> results) {
        String aligned = p.aligns().length == 0 ? null : Groups.aligned(p.aligns()[p.aligns().length - 1]);
        String claim = "4. Initial alignment converges to flatter minima (smaller top Hessian eigenvalue) than plain FA";
        double tA = Analyses.mean(results, aligned, Minimum::topEigenvalue);
        double tF = Analyses.mean(results, "FA", Minimum::topEigenvalue);
        double rA = Analyses.mean(results, aligned, m -> m.trace().mean());
        double rF = Analyses.mean(results, "FA", m -> m.trace().mean());
        VerdictRule rule = VerdictRule.allOf("for the most aligned FA (" + aligned + ") against plain FA, means over seeds")
                .criterion("its top Hessian eigenvalue is smaller", tA < tF)
                .criterion("its Hessian trace is smaller", rA < rF)
                .decidableIf(aligned != null && Double.isFinite(tA) && Double.isFinite(tF) && Double.isFinite(rA)
                        && Double.isFinite(rF));
        if (aligned == null) {
            return rule.verdict(claim, "no soft-aligned condition in this preset");
        }
        StringBuilder measured = new StringBuilder();
        for (String g : Groups.byGroup(results).keySet()) {
            measured.append(measured.length() == 0 ? "" : "; ").append(g).append(": top ")
                    .append(Fmt.num(Analyses.mean(results, g, Minimum::topEigenvalue))).append(", trace ")
                    .append(Fmt.num(Analyses.mean(results, g, m -> m.trace().mean())));
        }
        measured.append(String.format(Locale.ROOT, "; diverged cells (not measured): FA %d, %s %d",
                Analyses.diverged(results, "FA"), aligned, Analyses.diverged(results, aligned)));
        return rule.verdict(claim, measured.toString());
    }
}
