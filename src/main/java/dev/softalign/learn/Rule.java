package dev.softalign.learn;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Mlp;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * A learning rule: every rule shares the forward pass and differs only in the matrices that carry
 * the error backwards, and in how (if at all) those feedback matrices change.
 */
public interface Rule {

    /** Name used on the command line and in model files. */
    String id();

    /** The path the error takes backwards during training. */
    BackwardPath path();

    /** Sets the feedback matrices of a freshly initialised network. */
    void initialize(Mlp net, RandomGenerator rng);

    /** Called before every training step (sign-symmetry rules refresh B from the current W). */
    default void beforeStep(Mlp net, RandomGenerator rng) {
    }

    /** Called after the optimiser moved W with the rule's gradient g at learning rate lr. */
    default void afterStep(Mlp net, Gradients g, double lr, double weightDecay) {
    }

    /** Whether a one-time soft alignment of B and W is meaningful for this rule. */
    default boolean alignable() {
        return false;
    }

    /** The rule named on the command line; feedbackScale multiplies the std of random feedback. */
    static Rule parse(String id, double feedbackScale) {
        switch (id.toLowerCase(Locale.ROOT)) {
            case "bp":
                return new Backprop();
            case "fa":
                return new FeedbackAlignment(feedbackScale);
            case "dfa":
                return new DirectFeedbackAlignment(feedbackScale);
            case "usf":
                return SignSymmetry.uniform();
            case "brsf":
                return SignSymmetry.batchwiseRandom();
            case "frsf":
                return SignSymmetry.fixedRandom(feedbackScale);
            case "kp":
                return new KolenPollack(feedbackScale);
            default:
                throw new IllegalArgumentException("unknown rule '" + id + "' (expected " + String.join(", ", ids()) + ")");
        }
    }

    static String[] ids() {
        return new String[] {"bp", "fa", "dfa", "usf", "brsf", "frsf", "kp"};
    }
}
