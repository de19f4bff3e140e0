/**
 * Measurements of a trained network: Hessian spectra, trace and density, gradient flow, flatness.
 *
 * <p>{@link dev.softalign.analysis.Hessian} gives exact Hessian-vector products of the true loss
 * (Pearlmutter's R-operator) as a {@link dev.softalign.analysis.LinearOperator}; the solvers work on
 * any operator, PyHessian's way: {@link dev.softalign.analysis.Lanczos} (extreme eigenpairs, the
 * model for every measurement here: fluent settings with defaults in one place, {@code run}
 * returning a record), {@link dev.softalign.analysis.PowerIteration},
 * {@link dev.softalign.analysis.Hutchinson} (trace), {@link dev.softalign.analysis.SpectralDensity}
 * (stochastic Lanczos quadrature) and {@link dev.softalign.analysis.Dense}, the exact oracle for
 * small networks. {@link dev.softalign.analysis.GradientFlow} compares a rule's backward signal with
 * the true one; {@link dev.softalign.analysis.Sharpness}, {@link dev.softalign.analysis.WeightNoise}
 * and {@link dev.softalign.analysis.Landscape} probe the loss around the trained weights through
 * {@link dev.softalign.analysis.ModelLoss}. Tests check each against an independent answer: finite
 * differences, dense matrices, closed forms and a PyTorch fixture.
 */
package dev.softalign.analysis;
