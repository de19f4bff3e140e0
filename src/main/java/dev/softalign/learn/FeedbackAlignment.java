package dev.softalign.learn;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Mlp;
import java.util.random.RandomGenerator;
import org.ojalgo.matrix.store.R064Store;

/** Feedback alignment: fixed random B_l with W_l's shape, He-normal times a scale; B never learns. */
public final class FeedbackAlignment implements Rule {

    private final double scale;

    public FeedbackAlignment(double scale) {
        this.scale = scale;
    }

    @Override
    public String id() {
        return "fa";
    }

    @Override
    public BackwardPath path() {
        return BackwardPath.FEEDBACK;
    }

    @Override
    public void initialize(Mlp net, RandomGenerator rng) {
        for (int i = 0; i < net.layerCount(); i++) {
            R064Store b = net.layer(i).feedback;
            Mlp.heNormal(b, rng);
            for (int k = 0; k < b.data.length; k++) {
                b.data[k] *= scale;
            }
        }
    }

    @Override
    public boolean alignable() {
        return true;
    }

    @Override
    public String toString() {
        return "fa (feedback alignment, scale " + scale + ")";
    }
}
