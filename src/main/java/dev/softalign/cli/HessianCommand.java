package dev.softalign.cli;

import dev.softalign.analysis.Dense;
import dev.softalign.analysis.Hessian;
import dev.softalign.analysis.Hutchinson;
import dev.softalign.analysis.Lanczos;
import dev.softalign.analysis.LinearOperator;
import dev.softalign.analysis.PowerIteration;
import dev.softalign.analysis.SpectralDensity;
import dev.softalign.data.Dataset;
import dev.softalign.nn.ModelFile;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "hessian", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Spectrum of the Hessian of the true loss (all weights and biases, or one layer's block) on the "
                + "first N samples of a split, whatever rule trained the model: extreme eigenvalues by Lanczos "
                + "(or PyHessian's power iteration), Hutchinson trace, spectral density by stochastic Lanczos quadrature.",
                "JSON keys: top_eigenvalues (descending), bottom_eigenvalues (ascending), residuals (||Hv - lambda v||, "
                + "top then bottom), hvps, seconds, trace {mean, stderr, samples}, density {grid, values, sigma}, "
                + "eigenvalues (--dense), and parameters, samples, loss, method, converged, hvp_ms.",
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
    @Option(names = "--tol", description = "lanczos: relative residual ||Hv - lambda v|| / |lambda| (default 1e-6); "
            + "power: relative eigenvalue change (default 1e-3)")
    Double tol;
    @Option(names = "--power-residual", description = "power: stop on ||Hv - lambda v|| <= this * |lambda| instead of the eigenvalue change")
    double powerResidual = 0;
    @Option(names = "--max-steps", description = "Lanczos steps or power iterations per eigenvalue (default 300 / 100)")
    Integer maxSteps;
    @Option(names = "--trace", description = "Hutchinson trace with Rademacher vectors")
    boolean trace;
    @Option(names = "--trace-target", description = "stop when stderr/|mean| is below this (default: ${DEFAULT-VALUE})")
    double traceTarget = 0.01;
    @Option(names = "--trace-max", description = "most Hutchinson samples (default: ${DEFAULT-VALUE})")
    int traceMax = 100;
    @Option(names = "--density", description = "spectral density by stochastic Lanczos quadrature")
    boolean density;
    @Option(names = "--density-runs", description = "random starts (default: ${DEFAULT-VALUE})")
    int densityRuns = 3;
    @Option(names = "--density-steps", description = "Lanczos steps per start (default: ${DEFAULT-VALUE})")
    int densitySteps = 80;
    @Option(names = "--sigma", description = "Gaussian broadening (default: 1%% of the spectrum's spread)")
    double sigma = 0;
    @Option(names = "--points", description = "density grid points (default: ${DEFAULT-VALUE})")
    int points = 1000;
    @Option(names = "--dense", description = "also the full eigendecomposition of the exact dense Hessian (small networks)")
    boolean dense;
    @Option(names = "--seed", description = "random starts (default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

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
        Require.atLeast("--max-steps", maxSteps == null ? 1 : maxSteps, 1);
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
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("parameters", op.dimension());
        out.put("samples", d.size());
        out.put("loss", h.loss());
        if (layer != null) {
            out.put("layer", layer);
        }
        analyse(h, op, m, out);
        if (perLayer) {
            List<Map<String, Object>> layers = new ArrayList<>();
            for (int i = 0; i < h.layerCount(); i++) {
                Map<String, Object> lm = new LinkedHashMap<>();
                lm.put("layer", i);
                lm.put("parameters", h.layerSize(i));
                analyse(h, h.layer(i), m, lm);
                layers.add(lm);
            }
            out.put("layers", layers);
        }
        out.put("hvps", h.products());
        out.put("seconds", (System.nanoTime() - start) / 1e9);
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Output.json(o, out);
        } else {
            o.println(h + (layer == null ? "" : ", layer " + layer + " block"));
            out.forEach((k, v) -> {
                if (k.equals("trace")) {
                    Map<?, ?> t = (Map<?, ?>) v;
                    o.println("trace: " + text(t.get("mean")) + " +- " + text(t.get("stderr")) + " (" + t.get("samples")
                            + " samples)");
                } else if (k.equals("density")) {
                    Map<?, ?> dm = (Map<?, ?>) v;
                    o.println("density: " + ((double[]) dm.get("grid")).length + "-point grid, sigma "
                            + text(dm.get("sigma")) + ", integral " + text(dm.get("integral")) + " (--json for the values)");
                } else if (k.equals("layers")) {
                    for (Object lm : (List<?>) v) {
                        StringBuilder line = new StringBuilder("layer block:");
                        ((Map<?, ?>) lm).forEach((lk, lv) -> line.append(' ').append(lk).append('=')
                                .append(lv instanceof Map<?, ?> sub && sub.containsKey("mean")
                                        ? text(sub.get("mean")) + "+-" + text(sub.get("stderr"))
                                        : lv instanceof Map<?, ?> ? "(--json)" : text(lv)));
                        o.println(line);
                    }
                } else {
                    o.println(k + ": " + text(v));
                }
            });
            o.flush();
        }
        return 0;
    }

    /** Everything asked for, on one operator (the whole Hessian or a layer's block), into out. */
    private void analyse(Hessian h, LinearOperator op, String m, Map<String, Object> out) {
        if (top + bottom > 0) {
            long t0 = System.nanoTime();
            long p0 = h.products();
            if (m.equals("lanczos")) {
                Lanczos.Result r = Lanczos.create().top(top).bottom(bottom).tol(tol == null ? 1e-6 : tol)
                        .maxSteps(maxSteps == null ? Lanczos.DEFAULT_MAX_STEPS : maxSteps).seed(seed).run(op);
                out.put("method", "lanczos");
                out.put("top_eigenvalues", r.top());
                out.put("bottom_eigenvalues", r.bottom());
                double[] res = Arrays.copyOf(r.topResiduals(), r.top().length + r.bottom().length);
                System.arraycopy(r.bottomResiduals(), 0, res, r.top().length, r.bottom().length);
                out.put("residuals", res);
                out.put("converged", r.converged());
                out.put("steps", r.steps());
            } else {
                PowerIteration.Result r = PowerIteration.create().top(top).tol(tol == null ? 1e-3 : tol)
                        .maxIterations(maxSteps == null ? 100 : maxSteps).residualTol(powerResidual).seed(seed).run(op);
                out.put("method", "power");
                out.put("top_eigenvalues", r.eigenvalues());
                out.put("residuals", r.residuals());
                out.put("iterations", r.iterations());
            }
            long hvps = h.products() - p0;
            double secs = (System.nanoTime() - t0) / 1e9;
            out.put("eigen_hvps", hvps);
            out.put("eigen_seconds", secs);
            out.put("hvp_ms", hvps == 0 ? Double.NaN : 1000 * secs / hvps);
        }
        if (trace) {
            Hutchinson.Trace t = Hutchinson.create().target(traceTarget).maxSamples(traceMax).seed(seed).run(op);
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("mean", t.mean());
            tm.put("stderr", t.stderr());
            tm.put("samples", t.samples());
            out.put("trace", tm);
        }
        if (density) {
            SpectralDensity.Density den = SpectralDensity.create().runs(densityRuns).steps(densitySteps).sigma(sigma)
                    .points(points).seed(seed).run(op);
            Map<String, Object> dm = new LinkedHashMap<>();
            dm.put("grid", den.grid());
            dm.put("values", den.values());
            dm.put("sigma", den.sigma());
            dm.put("integral", den.integral());
            out.put("density", dm);
        }
        if (dense) {
            out.put("eigenvalues", Dense.eigen(Dense.matrix(op)).values());
        }
    }

    private static String text(Object v) {
        if (v instanceof double[] a) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < a.length; i++) {
                s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g", a[i]));
            }
            return s.append(']').toString();
        }
        if (v instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof Double x) {
            return String.format(Locale.ROOT, "%.6g", x);
        }
        return String.valueOf(v);
    }
}
