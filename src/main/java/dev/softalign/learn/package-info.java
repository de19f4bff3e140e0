/**
 * Learning rules and training: how a network's weights move.
 *
 * <p>A {@link dev.softalign.learn.Rule} supplies the backward path of its updates (an
 * {@link dev.softalign.nn.BackwardPath}, which carries the backward math) and owns its feedback
 * matrices; {@link dev.softalign.learn.Rule#REGISTRY} lists every rule by name: {@link dev.softalign.learn.Backprop}, {@link dev.softalign.learn.FeedbackAlignment},
 * {@link dev.softalign.learn.DirectFeedbackAlignment}, the sign-symmetric rules of
 * {@link dev.softalign.learn.SignSymmetry} and {@link dev.softalign.learn.KolenPollack}.
 * {@link dev.softalign.learn.Alignment} is the one-time soft alignment of B and W at
 * initialisation. {@link dev.softalign.learn.Trainer} runs a {@link dev.softalign.learn.TrainConfig}
 * with an {@link dev.softalign.learn.Optimizer} and a {@link dev.softalign.learn.Schedule}, writing
 * the run folder ({@link dev.softalign.learn.RunFolder}, one writer at a time) as one atomic
 * checkpoint per epoch, so a run killed at any instant resumes bit for bit (random streams from {@link dev.softalign.nn.Seeds}). Whatever a run measures
 * besides loss and accuracy comes from a {@link dev.softalign.learn.TrainingListener} that the caller
 * adds, so learning depends on nn, data and io only, never on analysis.
 */
package dev.softalign.learn;
