/**
 * Labelled datasets with inputs in [0,1], the bottom of the dependency graph.
 *
 * <p>A {@link dev.softalign.data.Dataset} is immutable: sample-major features (doubles, or an image
 * file's 8-bit pixels, an eighth of the memory) and labels; a {@link dev.softalign.data.Split}
 * pairs train and test. {@link dev.softalign.data.Datasets} loads
 * them by name from {@code datasets/<name>/} or Debian's {@code /usr/share/datasets/<name>/}:
 * IDX files ({@link dev.softalign.data.Idx}, Fashion-MNIST, MNIST), CIFAR-10's binary batches
 * ({@link dev.softalign.data.Cifar10}) and the seeded synthetic sets of
 * {@link dev.softalign.data.Synthetic} (blobs, a teacher network). A missing or malformed file is a
 * {@link dev.softalign.data.DataException} whose message names the file and how to fetch it.
 */
package dev.softalign.data;
