package dev.softalign.learn;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Mlp;
import java.util.random.RandomGenerator;

/** Backpropagation: the error goes back through W itself (weight transport); B mirrors W. */
public final class Backprop implements Rule {

    @Override
    public String id() {
        return "bp";
    }

    @Override
    public BackwardPath path() {
        return BackwardPath.TRUE;
    }

    @Override
    public void initialize(Mlp net, RandomGenerator rng) {
        tie(net);
    }

    /**
     * B = W only for readers (saved models, alignment angles, feedback-path attacks): training reads
     * W directly, so the copy is made when the trainer settles the network, not after every step
     * (where it cost 5-7 % of a float32 step).
     */
    @Override
    public void settle(Mlp net) {
        tie(net);
    }

    /** Copies every W into its B (once per epoch when training: a plain copy is enough). */
    public static void tie(Mlp net) {
        for (int i = 0; i < net.layerCount(); i++) {
            double[] w = net.layer(i).weight.data;
            System.arraycopy(w, 0, net.layer(i).feedback.data, 0, w.length);
        }
    }

    @Override
    public String toString() {
        return "bp (backpropagation)";
    }
}
