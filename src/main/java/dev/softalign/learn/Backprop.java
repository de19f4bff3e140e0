package dev.softalign.learn;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.MatMul;
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

    @Override
    public void afterStep(Mlp net, Gradients g, double lr, double weightDecay) {
        // Only so that saved models and alignment angles show B = W; training reads W directly.
        tie(net);
    }

    /** Copies every W into its B, cut among the network's kernel threads (a copy per step, memory-bound). */
    public static void tie(Mlp net) {
        MatMul kernel = net.kernel();
        int parts = kernel.parts(net.parameterCount());
        kernel.forEachPart(parts, t -> {
            for (int i = 0; i < net.layerCount(); i++) {
                double[] w = net.layer(i).weight.data;
                int from = MatMul.partStart(w.length, parts, t);
                System.arraycopy(w, from, net.layer(i).feedback.data, from, MatMul.partStart(w.length, parts, t + 1) - from);
            }
        });
    }

    @Override
    public String toString() {
        return "bp (backpropagation)";
    }
}
