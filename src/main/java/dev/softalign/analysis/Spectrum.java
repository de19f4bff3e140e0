package dev.softalign.analysis;

import java.util.Arrays;

/**
 * Everything asked of one symmetric operator (a network's Hessian or one layer's block) in one
 * call: extreme eigenvalues by {@link Lanczos} or {@link PowerIteration}, the trace by
 * {@link Hutchinson} (or Hutch++), the density by {@link SpectralDensity}, and the exact
 * eigenvalues of the dense matrix. Each part is configured on its own solver, whose defaults
 * apply; a part not given is not computed.
 */
public final class Spectrum {

    /**
     * What was computed; parts not asked for are null. method is "lanczos" or "power"; residuals
     * are ||Av - lambda v||, top then bottom; steps are Lanczos steps, iterations power iterations per
     * eigenvalue; eigenHvps, eigenSeconds and hvpMs are the eigen-solver's products, time and time per
     * product; eigenvalues are the dense matrix's, descending.
     */
    public record Result(String method, double[] topEigenvalues, double[] bottomEigenvalues, double[] residuals,
            Boolean converged, Integer steps, int[] iterations, Long eigenHvps, Double eigenSeconds, Double hvpMs,
            Hutchinson.Trace trace, SpectralDensity.Density density, double[] eigenvalues) {
    }

    private Lanczos lanczos;
    private PowerIteration power;
    private Hutchinson trace;
    private SpectralDensity density;
    private boolean dense;

    public static Spectrum create() {
        return new Spectrum();
    }

    /** Extreme eigenvalues by Lanczos (replaces power iteration). */
    public Spectrum lanczos(Lanczos l) {
        lanczos = l;
        power = null;
        return this;
    }

    /** The top eigenvalues by power iteration (replaces Lanczos). */
    public Spectrum power(PowerIteration p) {
        power = p;
        lanczos = null;
        return this;
    }

    public Spectrum trace(Hutchinson h) {
        trace = h;
        return this;
    }

    public Spectrum density(SpectralDensity d) {
        density = d;
        return this;
    }

    /** Also the full eigendecomposition of the explicit matrix (n products and n^2 memory: small operators). */
    public Spectrum dense(boolean d) {
        dense = d;
        return this;
    }

    public Result run(LinearOperator op) {
        String method = null;
        double[] top = null;
        double[] bottom = null;
        double[] residuals = null;
        Boolean converged = null;
        Integer steps = null;
        int[] iterations = null;
        Long products = null;
        Double seconds = null;
        if (lanczos != null || power != null) {
            long t0 = System.nanoTime();
            if (lanczos != null) {
                Lanczos.Result r = lanczos.run(op);
                method = "lanczos";
                top = r.top();
                bottom = r.bottom();
                residuals = Arrays.copyOf(r.topResiduals(), top.length + bottom.length);
                System.arraycopy(r.bottomResiduals(), 0, residuals, top.length, bottom.length);
                converged = r.converged();
                steps = r.steps();
                products = r.products();
            } else {
                PowerIteration.Result r = power.run(op);
                method = "power";
                top = r.eigenvalues();
                residuals = r.residuals();
                iterations = r.iterations();
                products = r.products();
            }
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        return new Result(method, top, bottom, residuals, converged, steps, iterations, products, seconds,
                products == null || products == 0 ? null : 1000 * seconds / products,
                trace == null ? null : trace.run(op), density == null ? null : density.run(op),
                dense ? Dense.eigen(Dense.matrix(op)).values() : null);
    }
}
