package dev.softalign.learn;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Mlp;
import java.util.random.RandomGenerator;

/**
 * Kolen-Pollack: B starts random and receives the same gradient step as W plus the same weight
 * decay, B <- B - lr (g + wd B), so W and B converge to each other without weight transport.
 * The step on B is plain SGD whatever optimiser moves W.
 */
public final class KolenPollack implements Rule {

    private final FeedbackAlignment init;

    public KolenPollack(double scale) {
        init = new FeedbackAlignment(scale);
    }

    @Override
    public String id() {
        return "kp";
    }

    @Override
    public BackwardPath path() {
        return BackwardPath.FEEDBACK;
    }

    @Override
    public void initialize(Mlp net, RandomGenerator rng) {
        init.initialize(net, rng);
    }

    @Override
    public void afterStep(Mlp net, Gradients g, double lr, double weightDecay) {
        for (int i = 0; i < net.layerCount(); i++) {
            double[] b = net.layer(i).feedback.data;
            double[] gw = g.weight[i].data;
            for (int k = 0; k < b.length; k++) {
                b[k] -= lr * (gw[k] + weightDecay * b[k]);
            }
            net.dtype().round(b);
        }
    }

    @Override
    public boolean alignable() {
        return true;
    }

    @Override
    public String toString() {
        return "kp (Kolen-Pollack)";
    }
}
