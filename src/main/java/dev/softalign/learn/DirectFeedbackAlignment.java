package dev.softalign.learn;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Layer;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import java.util.random.RandomGenerator;
import org.ojalgo.matrix.store.R064Store;

/**
 * Direct feedback alignment: the output error reaches every layer through its own fixed random
 * B_l of shape classes x in_l, drawn N(0, scale^2 * 2 / in_l) like the last layer's weights.
 */
public final class DirectFeedbackAlignment implements Rule {

    /**
     * The output error e = delta_{L-1} sent straight to every layer: s_l = B_l^T e, so the
     * error-propagation Jacobian of every layer is B_l^T, whatever lies between it and the output.
     */
    public static final BackwardPath PATH = new BackwardPath() {
        @Override
        public String id() {
            return "direct";
        }

        @Override
        public void propagate(Mlp net, Pass p, int i, R064Store out, int from, int to) {
            net.kernel().multiplyColumns(net.layer(i).feedback, true, p.delta(net.layerCount() - 1), false, out, from, to);
        }

        @Override
        public void jacobian(Mlp net, int i, R064Store below, R064Store out) {
            BackwardPath.transpose(net.layer(i).feedback, out);
        }

        @Override
        public void check(Mlp net) {
            for (int i = 0; i < net.layerCount(); i++) {
                R064Store b = net.layer(i).feedback;
                if (b.getRowDim() != net.outputSize() || b.getColDim() != net.layer(i).in()) {
                    throw new IllegalArgumentException("direct feedback needs layer " + i + "'s B shaped "
                            + net.outputSize() + " x " + net.layer(i).in() + " (classes x in), the model holds "
                            + b.getRowDim() + " x " + b.getColDim());
                }
            }
        }

        @Override
        public String toString() {
            return id();
        }
    };

    private final double scale;

    public DirectFeedbackAlignment(double scale) {
        this.scale = scale;
    }

    @Override
    public String id() {
        return "dfa";
    }

    @Override
    public BackwardPath path() {
        return PATH;
    }

    @Override
    public void initialize(Mlp net, RandomGenerator rng) {
        int classes = net.outputSize();
        for (int i = 0; i < net.layerCount(); i++) {
            Layer l = net.layer(i);
            l.feedback = R064Store.FACTORY.make(classes, l.in());
            double std = scale * Math.sqrt(2.0 / l.in());
            for (int k = 0; k < l.feedback.data.length; k++) {
                l.feedback.data[k] = std * rng.nextGaussian();
            }
        }
    }

    @Override
    public String toString() {
        return "dfa (direct feedback alignment, scale " + scale + ")";
    }
}
