/**
 * Speed measured, not assumed: the workloads of {@code softalign bench}
 * ({@link dev.softalign.bench.Workload}: training samples/s, a Hessian-vector product, PGD-20, each
 * at a precision), the machine they run on ({@link dev.softalign.bench.Machine}: CPU model and,
 * through {@link dev.softalign.nn.Peak}, its measured arithmetic peak), and a peer that runs the
 * same workloads in another library in the same run ({@link dev.softalign.bench.Peer}: PyTorch
 * through the script {@code bench/peer/torch_peer.py}, and the line protocol it answers in).
 * Figures measured elsewhere are only ever shown with their label
 * ({@link dev.softalign.bench.Recorded}), never as a ratio. Depends on experiment and below; the
 * {@code bench} command formats what this package measures.
 */
package dev.softalign.bench;
