package dev.softalign.learn;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Layer;
import dev.softalign.nn.Mlp;
import java.util.random.RandomGenerator;
import org.ojalgo.matrix.store.R064Store;

/**
 * Direct feedback alignment: the output error reaches every layer through its own fixed random
 * B_l of shape classes x in_l, drawn N(0, scale^2 * 2 / in_l) like the last layer's weights.
 */
public final class DirectFeedbackAlignment implements Rule {

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
        return BackwardPath.DIRECT;
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
