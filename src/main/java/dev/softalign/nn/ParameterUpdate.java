package dev.softalign.nn;

/**
 * What a training step does to a range of one parameter array once that range of its gradient is
 * complete: an optimiser's update, applied by {@link Mlp#gradients} inside the part that computed
 * the gradient. Parts call it at once on
 * disjoint ranges, so it must write nothing but parameter[from, to) and its own state's same range.
 */
@FunctionalInterface
public interface ParameterUpdate {

    /**
     * Updates parameter[from, to) of layer's weight (column-major, as {@link Layer#weight}) or bias
     * with gradient[from, to).
     */
    void apply(int layer, boolean bias, double[] parameter, double[] gradient, int from, int to);
}
