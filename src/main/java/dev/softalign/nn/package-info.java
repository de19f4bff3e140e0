/**
 * The network: a multilayer perceptron of dense layers, its forward and backward passes, and the
 * matrix kernel they run on.
 *
 * <p>{@link dev.softalign.nn.Mlp} holds {@link dev.softalign.nn.Layer}s (forward weight W, bias,
 * feedback matrix B), one {@link dev.softalign.nn.Activation} and a {@link dev.softalign.nn.Loss};
 * a {@link dev.softalign.nn.Pass} holds one batch's buffers, reused from step to step so training
 * allocates nothing, and {@link dev.softalign.nn.Gradients} the parameter gradients. The backward
 * pass asks a {@link dev.softalign.nn.BackwardPath} for the signal entering each layer (W for the
 * true gradient, B for feedback rules; a learning rule with other backward math supplies its own
 * path, as direct feedback alignment does), and so do the error-propagation Jacobians of the
 * gradient-flow analysis: every rule and every analysis shares one forward and one backward
 * implementation. Every hot product goes through {@link dev.softalign.nn.MatMul}:
 * the Vector API kernel {@link dev.softalign.nn.VectorMatMul} or the portable ojalgo one, chosen by
 * {@link dev.softalign.nn.Kernels}. A kernel has a thread count its owner sets (a command: all
 * cores; a sweep: each cell's share) and each network is given its kernel; the count never
 * changes a bit. A pass cuts its samples among the kernel's threads once
 * ({@link dev.softalign.nn.MatMul#forEachPart}) rather than splitting each product, and a training
 * step hands work to them twice: {@link dev.softalign.nn.Mlp#forwardAndDeltas} (loading, forward,
 * loss and deltas, sample by sample) and {@link dev.softalign.nn.Mlp#gradients}, whose parts apply
 * the optimiser's {@link dev.softalign.nn.ParameterUpdate} to the ranges they have just computed;
 * an attack's gradient is one ({@link dev.softalign.nn.Mlp#sampleInputGradients}). A kernel computes in one {@link dev.softalign.nn.Dtype}, float64 or float32
 * ({@link dev.softalign.nn.FloatProduct}, with a portable twin giving the same bits), and a network
 * computes in its kernel's: in float32 it rounds every value it writes to float32. {@link dev.softalign.nn.ModelFile} stores a network as
 * safetensors that PyTorch opens. What both training and the analyses need lives here too:
 * {@link dev.softalign.nn.Evaluation} (loss and accuracy on a dataset), {@link dev.softalign.nn.Seeds}
 * (independent random streams from one seed) and {@link dev.softalign.nn.Mlp#feedbackAnglesDegrees()}.
 * Depends on data and io only.
 */
package dev.softalign.nn;
