package dev.softalign.learn;

import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Gradients;
import dev.softalign.nn.Mlp;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
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

    /**
     * Called before anything outside the training steps reads the network (an epoch's metrics and
     * angles, listeners, checkpoints, the trained model): a rule that keeps B in step with W only
     * for those readers brings it up to date here rather than after every step.
     */
    default void settle(Mlp net) {
    }

    /** Whether a one-time soft alignment of B and W is meaningful for this rule. */
    default boolean alignable() {
        return false;
    }

    /**
     * Every rule, as a factory of its feedback scale: the one registry of rule names (each rule's
     * {@link #id()}). A new rule is its class plus one entry here.
     */
    List<DoubleFunction<Rule>> REGISTRY = List.of(
            scale -> new Backprop(),
            FeedbackAlignment::new,
            DirectFeedbackAlignment::new,
            scale -> SignSymmetry.uniform(),
            scale -> SignSymmetry.batchwiseRandom(),
            SignSymmetry::fixedRandom,
            KolenPollack::new);

    /** The rule named on the command line; feedbackScale multiplies the std of random feedback. */
    static Rule parse(String id, double feedbackScale) {
        String want = id.toLowerCase(Locale.ROOT);
        for (DoubleFunction<Rule> f : REGISTRY) {
            Rule r = f.apply(feedbackScale);
            if (r.id().equals(want)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown rule '" + id + "' (expected " + String.join(", ", ids()) + ")");
    }

    /** Every rule's name, in registry order. */
    static String[] ids() {
        return REGISTRY.stream().map(f -> f.apply(1).id()).toArray(String[]::new);
    }
}
