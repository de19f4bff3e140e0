/**
 * Files: safetensors tensors, JSON, and writes that a crash cannot half-finish.
 *
 * <p>{@link dev.softalign.io.AtomicFiles} writes to a temporary file beside the target, fsyncs and
 * renames, so a reader sees the old content or the new. {@link dev.softalign.io.SafeTensors} reads
 * and writes the safetensors format (F64, F32, I64, I32, with {@code __metadata__}) as
 * {@link dev.softalign.io.Tensor}s; {@link dev.softalign.io.Json} is the one Gson configuration.
 * A malformed file is a {@link dev.softalign.io.FormatException} naming the file; an I/O error is an
 * {@link dev.softalign.io.IoFailure}. {@link dev.softalign.io.FolderLock} gives a folder one writer
 * at a time through a system lock that dies with its holder. {@link dev.softalign.io.Faults} lets the
 * crash and full-disk tests halt a process at any step of a write, or fail writes as a full disk
 * does; it is inert otherwise. Depends on nothing else in softalign.
 */
package dev.softalign.io;
