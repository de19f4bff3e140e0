/**
 * Adversarial attacks and input corruptions on inputs in [0,1].
 *
 * <p>{@link dev.softalign.attack.Attack} owns the gradient source (model and backward path), clipping and
 * targeting; {@link dev.softalign.attack.Fgsm} and {@link dev.softalign.attack.Pgd} (one loop, parameterised by
 * {@link dev.softalign.attack.Norm}) implement one method each; {@link dev.softalign.attack.Apgd} is
 * AutoAttack's APGD-CE and APGD-T (its own step-size schedule, the same norms), ascending a
 * {@link dev.softalign.attack.LogitLoss}. {@link dev.softalign.attack.Robustness} sweeps eps with sanity
 * checks (APGD against PGD of the same budget); {@link dev.softalign.attack.Corruption} and
 * {@link dev.softalign.attack.Corruptions} cover noise, salt-and-pepper, blur and contrast at five severities.
 * White-box attacks use the true input gradient through W; the feedback path of FA-type rules is
 * available only as an explicit option, because attacking through B alone masks gradients.
 */
package dev.softalign.attack;
