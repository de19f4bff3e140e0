package dev.softalign.nn;

import org.ojalgo.matrix.store.R064Store;

/**
 * One dense layer, PyTorch Linear convention: weight and feedback are out x in, bias is out x 1.
 * The feedback matrix B is what a learning rule may send errors back through instead of W.
 * Direct feedback (DFA) stores B as classes x in instead.
 */
public final class Layer {

    public final R064Store weight;
    public final R064Store bias;
    public R064Store feedback;

    Layer(int in, int out) {
        weight = R064Store.FACTORY.make(out, in);
        bias = R064Store.FACTORY.make(out, 1);
        feedback = R064Store.FACTORY.make(out, in);
    }

    public int in() {
        return weight.getColDim();
    }

    public int out() {
        return weight.getRowDim();
    }

    @Override
    public String toString() {
        return "Layer " + in() + "->" + out();
    }
}
