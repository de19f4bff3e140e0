package dev.softalign.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * Which matrices carry the error backwards. The true gradient uses W; a learning rule may use its
 * feedback matrices B (delta_{l-1} = (B_l^T delta_l) * f'(a_{l-1})), or send the output error
 * directly to every layer (direct feedback, B_l of shape classes x in_l).
 */
public enum BackwardPath {
    /** Backpropagation through W: the exact gradient of the loss. */
    TRUE,
    /** Through each layer's feedback matrix B_l. */
    FEEDBACK,
    /** Output error straight to every layer through B_l (classes x in_l). */
    DIRECT;

    R064Store matrix(Layer layer) {
        return this == TRUE ? layer.weight : layer.feedback;
    }
}
