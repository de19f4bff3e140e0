package dev.softalign.analysis;

/**
 * A scalar function of a flat parameter vector with its gradient: what flatness measures probe.
 * A network on a dataset is one ({@link ModelLoss}); a quadratic with a known answer is another (tests).
 */
public interface DifferentiableLoss {

    /** Number of parameters. */
    int dimension();

    double value(double[] w);

    /** Writes dL/dw at w into grad and returns L(w). */
    double valueAndGradient(double[] w, double[] grad);
}
