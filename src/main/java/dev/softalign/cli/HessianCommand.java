package dev.softalign.cli;

import com.google.gson.JsonObject;
import dev.softalign.analysis.Hessian;
import dev.softalign.analysis.Hutchinson;
import dev.softalign.analysis.Lanczos;
import dev.softalign.analysis.LinearOperator;
import dev.softalign.analysis.PowerIteration;
import dev.softalign.analysis.SpectralDensity;
import dev.softalign.analysis.Spectrum;
import dev.softalign.data.Dataset;
import dev.softalign.nn.ModelFile;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "hessian", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Spectrum of the Hessian of the true loss (all weights and biases, or one layer's block) on the "
                + "first N samples of a split, whatever rule trained the model: extreme eigenvalues by Lanczos "
                + "(or PyHessian's power iteration), trace by Hutch++ (or Hutchinson), spectral density by stochastic "
                + "Lanczos quadrature. Options left unset take the solvers' defaults, shown below.",
                "JSON keys: parameters, samples, loss, layer (--layer), method, top_eigenvalues (descending), "
                + "bottom_eigenvalues (ascending), residuals (||Hv - lambda v||, top then bottom), converged, steps "
                + "(lanczos), iterations (power), eigen_hvps, eigen_seconds, hvp_ms, trace {method, mean, stderr, samples, "
                + "sketch, products, target, converged}, density {grid, values, sigma, integral, runs, steps, products}, "
                + "eigenvalues (--dense), layers (--per-layer: the same keys per block, with layer and parameters), hvps, "
                + "seconds. A part not asked for, or a value that does not exist, is null.",
                "Example: softalign hessian --model runs/bp-d2-s1/model.safetensors --samples 1000 --top 5 --trace --json"})
final class HessianCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions input;
    @Mixin
    SubsetOptions subset;
    @Option(names = "--chunk", description = "samples per batched pass (default: ${DEFAULT-VALUE})")
    int chunk = Hessian.DEFAULT_CHUNK;
    @Option(names = "--layer", description = "restrict to layer i's weights and bias (default: all parameters)")
    Integer layer;
    @Option(names = "--per-layer", description = "also everything asked for on each layer's block: JSON key layers")
    boolean perLayer;
    @Option(names = "--top", description = "largest eigenvalues (default: ${DEFAULT-VALUE})")
    int top = 1;
    @Option(names = "--bottom", description = "smallest eigenvalues, Lanczos only (default: ${DEFAULT-VALUE})")
    int bottom = 0;
    @Option(names = "--method", description = "lanczos or power (default: ${DEFAULT-VALUE})")
    String method = "lanczos";
    @Option(names = "--tol", description = "lanczos: relative residual ||Hv - lambda v|| / |lambda| (default "
            + Lanczos.DEFAULT_TOL + "); power: relative eigenvalue change (default " + PowerIteration.DEFAULT_TOL + ")")
    Double tol;
    @Option(names = "--power-residual", description = "power: stop on ||Hv - lambda v|| <= this * |lambda| instead of the eigenvalue change")
    double powerResidual = 0;
    @Option(names = "--max-steps", description = "Lanczos steps or power iterations per eigenvalue (default "
            + Lanczos.DEFAULT_MAX_STEPS + " / " + PowerIteration.DEFAULT_MAX_ITERATIONS + ")")
    Integer maxSteps;
    @Option(names = "--trace", description = "trace estimate from Rademacher probes (Hutch++ unless --trace-sketch 0)")
    boolean trace;
    @Option(names = "--trace-target", description = "stop when stderr/|mean| is below this (default "
            + Hutchinson.DEFAULT_TARGET + ")")
    Double traceTarget;
    @Option(names = "--trace-max", description = "most probes after the sketch (default " + Hutchinson.DEFAULT_MAX_SAMPLES + ")")
    Integer traceMax;
    @Option(names = "--trace-sketch", description = "Hutch++ sketch columns k, 2k products; 0 for plain Hutchinson "
            + "(default: ${DEFAULT-VALUE})")
    int traceSketch = TRACE_SKETCH;
    @Option(names = "--density", description = "spectral density by stochastic Lanczos quadrature")
    boolean density;
    @Option(names = "--density-runs", description = "random starts (default " + SpectralDensity.DEFAULT_RUNS + ")")
    Integer densityRuns;
    @Option(names = "--density-steps", description = "Lanczos steps per start (default " + SpectralDensity.DEFAULT_STEPS + ")")
    Integer densitySteps;
    @Option(names = "--sigma", description = "Gaussian broadening (default: 1%% of the spectrum's spread)")
    double sigma = 0;
    @Option(names = "--points", description = "density grid points (default " + SpectralDensity.DEFAULT_POINTS + ")")
    Integer points;
    @Option(names = "--dense", description = "also the full eigendecomposition of the exact dense Hessian (small networks)")
    boolean dense;
    @Option(names = "--seed", description = "random starts (default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    /**
     * The command's trace defaults to Hutch++ where the library defaults to plain Hutchinson (which
     * the reproduction's figure 4 names): a trained network's Hessian has a few outlying eigenvalues
     * that dominate Hutchinson's variance, and a sketch of 2 x 10 classes removes them.
     */
    static final int TRACE_SKETCH = 20;

    /** What the --json object holds besides the spectrum: the operator and the subset. */
    record Operator(int parameters, int samples, double loss, Integer layer) {
    }

    record Block(int layer, int parameters) {
    }

    record Totals(List<JsonObject> layers, long hvps, double seconds) {
    }

    @Override
    public Integer call() {
        String m = method.toLowerCase(Locale.ROOT);
        if (!m.equals("lanczos") && !m.equals("power")) {
            throw new IllegalArgumentException("--method must be lanczos or power, got '" + method + "'");
        }
        if (top < 0 || bottom < 0 || top + bottom < 1 && !trace && !density && !dense) {
            throw new IllegalArgumentException("--top and --bottom must be >= 0, and something must be asked for");
        }
        if (m.equals("power") && bottom > 0) {
            throw new IllegalArgumentException("--bottom needs --method lanczos (power iteration finds the top only)");
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("--chunk must be >= 1, got " + chunk);
        }
        Require.positive("--tol", tol);
        Require.nonNegative("--power-residual", powerResidual);
        Require.atLeast("--max-steps", maxSteps, 1);
        Require.positive("--trace-target", traceTarget);
        Require.atLeast("--trace-max", traceMax, 1);
        Require.atLeast("--density-runs", densityRuns, 1);
        Require.atLeast("--density-steps", densitySteps, 1);
        Require.nonNegative("--sigma", sigma);
        Require.atLeast("--points", points, 2);
        ModelFile.Saved saved = input.saved();
        Dataset d = subset.of(input);
        long start = System.nanoTime();
        Hessian h = Hessian.of(saved.net(), d, chunk);
        if (layer != null && (layer < 0 || layer >= h.layerCount())) {
            throw new IllegalArgumentException("--layer must lie in [0, " + h.layerCount() + "), got " + layer);
        }
        if (layer != null && perLayer) {
            throw new IllegalArgumentException("--layer and --per-layer exclude each other");
        }
        LinearOperator op = layer == null ? h : h.layer(layer);
        if (Math.max(top, bottom) > op.dimension()) {
            throw new IllegalArgumentException((top > op.dimension() ? "--top " + top : "--bottom " + bottom)
                    + " asks for more eigenvalues than the " + op.dimension() + " parameters"
                    + (layer == null ? "" : " of layer " + layer) + " have");
        }
        long denseBytes = 3L * 8 * op.dimension() * op.dimension();
        if (dense && denseBytes > Runtime.getRuntime().maxMemory()) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--dense needs the %d x %d Hessian and its "
                    + "eigenvectors, about %.1f GB, more than the %.1f GB Java heap; use --top/--bottom, --layer or "
                    + "--density instead", op.dimension(), op.dimension(), denseBytes / 1e9,
                    Runtime.getRuntime().maxMemory() / 1e9));
        }
        Operator operator = new Operator(op.dimension(), d.size(), h.loss(), layer);
        Spectrum.Result whole = spectrum(m).run(op);
        warnIfShort(whole.trace(), layer == null ? "" : " of layer " + layer);
        List<Spectrum.Result> blocks = new ArrayList<>();
        for (int i = 0; perLayer && i < h.layerCount(); i++) {
            blocks.add(spectrum(m).run(h.layer(i)));
            warnIfShort(blocks.get(i).trace(), " of layer " + i);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            List<JsonObject> layers = null;
            if (perLayer) {
                layers = new ArrayList<>();
                for (int i = 0; i < blocks.size(); i++) {
                    layers.add(Output.merge(new Block(i, h.layerSize(i)), blocks.get(i)));
                }
            }
            Output.json(o, operator, whole, new Totals(layers, h.products(), seconds));
            return 0;
        }
        o.println(h + (layer == null ? "" : ", layer " + layer + " block"));
        o.printf(Locale.ROOT, "parameters: %d, samples: %d, loss: %s%n", operator.parameters(), operator.samples(),
                num(operator.loss()));
        text(o, whole, "");
        for (int i = 0; i < blocks.size(); i++) {
            o.println("layer block: layer=" + i + " parameters=" + h.layerSize(i));
            text(o, blocks.get(i), "  ");
        }
        o.printf(Locale.ROOT, "hvps: %d, seconds: %.3f%n", h.products(), seconds);
        o.flush();
        return 0;
    }

    /** The solvers as the options configure them; an option left unset keeps the solver's default. */
    private Spectrum spectrum(String m) {
        Spectrum s = Spectrum.create().dense(dense);
        if (top + bottom > 0 && m.equals("lanczos")) {
            Lanczos l = Lanczos.create().top(top).bottom(bottom).seed(seed);
            s.lanczos(tol == null ? l : l.tol(tol));
            if (maxSteps != null) {
                l.maxSteps(maxSteps);
            }
        } else if (top + bottom > 0) {
            PowerIteration p = PowerIteration.create().top(top).residualTol(powerResidual).seed(seed);
            s.power(tol == null ? p : p.tol(tol));
            if (maxSteps != null) {
                p.maxIterations(maxSteps);
            }
        }
        if (trace) {
            Hutchinson t = Hutchinson.create().sketch(traceSketch).seed(seed);
            if (traceTarget != null) {
                t.target(traceTarget);
            }
            if (traceMax != null) {
                t.maxSamples(traceMax);
            }
            s.trace(t);
        }
        if (density) {
            SpectralDensity sd = SpectralDensity.create().sigma(sigma).seed(seed);
            if (densityRuns != null) {
                sd.runs(densityRuns);
            }
            if (densitySteps != null) {
                sd.steps(densitySteps);
            }
            if (points != null) {
                sd.points(points);
            }
            s.density(sd);
        }
        return s;
    }

    /** A trace that stopped at its cap says so on stderr: its error is larger than asked for. */
    private void warnIfShort(Hutchinson.Trace t, String where) {
        if (t != null && !t.converged()) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf(Locale.ROOT, "warning: the trace%s stopped at its cap of %d probes with standard error %s of %s "
                    + "(%.2g relative), above its target %s; raise --trace-max or --trace-sketch%n", where, t.samples(),
                    num(t.stderr()), num(t.mean()), t.stderr() / Math.abs(t.mean()), t.target());
            err.flush();
        }
    }

    private static void text(PrintWriter o, Spectrum.Result r, String indent) {
        if (r.method() != null) {
            o.println(indent + "method: " + r.method());
            o.println(indent + "top_eigenvalues: " + nums(r.topEigenvalues()));
            if (r.bottomEigenvalues() != null && r.bottomEigenvalues().length > 0) {
                o.println(indent + "bottom_eigenvalues: " + nums(r.bottomEigenvalues()));
            }
            o.println(indent + "residuals: " + nums(r.residuals()));
            o.println(indent + (r.converged() != null ? "converged: " + r.converged() + ", steps: " + r.steps()
                    : "iterations: " + Arrays.toString(r.iterations())) + ", eigen_hvps: " + r.eigenHvps() + ", hvp_ms: "
                    + (r.hvpMs() == null ? "-" : num(r.hvpMs())));
        }
        Hutchinson.Trace t = r.trace();
        if (t != null) {
            o.println(indent + "trace: " + num(t.mean()) + " +- " + num(t.stderr()) + " (" + t.method() + ", " + t.samples()
                    + " samples" + (t.sketch() > 0 ? " after a rank-" + t.sketch() + " sketch" : "") + ", " + t.products()
                    + " products, target " + t.target() + (t.converged() ? " met)" : " NOT met)"));
        }
        SpectralDensity.Density dn = r.density();
        if (dn != null) {
            o.println(indent + "density: " + dn.grid().length + "-point grid, sigma " + num(dn.sigma()) + ", integral "
                    + num(dn.integral()) + " (--json for the values)");
        }
        if (r.eigenvalues() != null) {
            o.println(indent + "eigenvalues: " + nums(r.eigenvalues()));
        }
    }

    private static String nums(double[] a) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < a.length; i++) {
            s.append(i == 0 ? "" : ", ").append(num(a[i]));
        }
        return s.append(']').toString();
    }

    private static String num(double x) {
        return String.format(Locale.ROOT, "%.6g", x);
    }
}
