package dev.softalign.nn;

import org.ojalgo.matrix.store.R064Store;

/** One array per forward parameter, shaped like the network's weights and biases. */
public final class Gradients {

    public final R064Store[] weight;
    public final R064Store[] bias;
    private final ParameterLayout layout;

    public Gradients(Mlp net) {
        layout = net.layout();
        int n = net.layerCount();
        weight = new R064Store[n];
        bias = new R064Store[n];
        for (int i = 0; i < n; i++) {
            weight[i] = R064Store.FACTORY.make(net.layer(i).out(), net.layer(i).in());
            bias[i] = R064Store.FACTORY.make(net.layer(i).out(), 1);
        }
    }

    /** Global L2 norm over all parameters. */
    public double norm() {
        double s = 0;
        for (int i = 0; i < weight.length; i++) {
            s += Vectors.dot(weight[i].data, weight[i].data) + Vectors.dot(bias[i].data, bias[i].data);
        }
        return Math.sqrt(s);
    }

    /** Multiplies every gradient by factor, rounding the products to the given precision. */
    public void scale(double factor, Dtype dtype) {
        for (int i = 0; i < weight.length; i++) {
            Vectors.scale(weight[i].data, factor);
            Vectors.scale(bias[i].data, factor);
            dtype.round(weight[i].data);
            dtype.round(bias[i].data);
        }
    }

    public void scale(double factor) {
        scale(factor, Dtype.F64);
    }

    /** Copies into a flat vector in the network's {@link ParameterLayout} order. */
    public double[] toFlat() {
        double[] out = new double[layout.size()];
        layout.gather(weight, bias, out);
        return out;
    }

    /** flat += scale * this, in the network's {@link ParameterLayout} order. */
    public void addTo(double[] flat, double scale) {
        layout.accumulate(weight, bias, scale, flat);
    }
}
