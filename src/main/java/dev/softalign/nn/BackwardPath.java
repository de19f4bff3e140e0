package dev.softalign.nn;

import java.util.function.Function;
import org.ojalgo.matrix.store.R064Store;

/**
 * How the error travels backwards: the one piece of math in which learning rules differ. Every
 * path shares the forward pass and the step delta_{l-1} = s_l * f'(a_{l-1}); a path decides the
 * signal s_l that enters layer l's input. {@link Mlp#backward} (training, attacks, the Hessian's
 * gradient) and the error-propagation Jacobians of gradient-flow analyses both ask the path, so a
 * rule with new backward math implements this interface once (as direct feedback alignment does in
 * learn) and both follow.
 *
 * <p>{@link #TRUE} (W: the exact gradient) and {@link #FEEDBACK} (each layer's B) live here
 * because they use only what every network holds.
 */
public interface BackwardPath {

    /** Backpropagation through W: the exact gradient of the loss. */
    BackwardPath TRUE = new Chained("true", l -> l.weight);

    /** Through each layer's feedback matrix B_l (shaped like W_l). */
    BackwardPath FEEDBACK = new Chained("feedback", l -> l.feedback);

    /** Name in command output, e.g. "true", "feedback", "direct". */
    String id();

    /**
     * The signal entering layer i's input for samples [from, to) of the pass, into those columns of
     * out (in_i x n), after {@link Mlp#backward} has set the same samples' deltas of layers i and
     * above along this path (delta_i is dL/da_i). Products go through the network's kernel, by
     * {@link MatMul#multiplyColumns}: the backward pass cuts its samples among the kernel's threads.
     */
    void propagate(Mlp net, Pass p, int i, R064Store out, int from, int to);

    /**
     * One sample's error-propagation Jacobian J_i (in_i x classes), mapping the output error to the
     * signal entering layer i's input, into out. below is D_i J_{i+1} (J_{i+1} with row r scaled by
     * f'(a_i[r])), or null for the last layer.
     */
    void jacobian(Mlp net, int i, R064Store below, R064Store out);

    /** Throws IllegalArgumentException, naming what is missing, if net lacks the matrices this path needs. */
    default void check(Mlp net) {
    }

    /** out = m^T, both column-major. */
    static void transpose(R064Store m, R064Store out) {
        int rows = m.getRowDim();
        int cols = m.getColDim();
        for (int c = 0; c < cols; c++) {
            for (int r = 0; r < rows; r++) {
                out.data[r * cols + c] = m.data[c * rows + r];
            }
        }
    }

    /**
     * A path that carries the error layer by layer through one matrix M_l per layer, shaped like
     * W_l: s_l = M_l^T delta_l, and J_{L-1} = M_{L-1}^T, J_l = M_l^T D_l J_{l+1}.
     */
    record Chained(String id, Function<Layer, R064Store> matrix) implements BackwardPath {

        @Override
        public void propagate(Mlp net, Pass p, int i, R064Store out, int from, int to) {
            net.kernel().multiplyColumns(matrix.apply(net.layer(i)), true, p.delta(i), false, out, from, to);
        }

        @Override
        public void jacobian(Mlp net, int i, R064Store below, R064Store out) {
            if (below == null) {
                transpose(matrix.apply(net.layer(i)), out);
            } else {
                net.kernel().multiply(matrix.apply(net.layer(i)), true, below, false, out);
            }
        }

        @Override
        public void check(Mlp net) {
            for (int i = 0; i < net.layerCount(); i++) {
                Layer l = net.layer(i);
                R064Store m = matrix.apply(l);
                if (m.getRowDim() != l.out() || m.getColDim() != l.in()) {
                    throw new IllegalArgumentException("the " + id + " path needs layer " + i + "'s matrix shaped "
                            + l.out() + " x " + l.in() + ", the model holds " + m.getRowDim() + " x " + m.getColDim());
                }
            }
        }

        @Override
        public String toString() {
            return id;
        }
    }
}
