package dev.softalign.data;

import java.util.Arrays;

/**
 * Labelled examples with pixel values in [0,1]. Features are stored sample-major: sample i
 * occupies {@code x[i*features .. (i+1)*features)}, so copying one sample into a column of a
 * column-major batch matrix is one array copy.
 *
 * @param name    dataset name, e.g. "fashion-mnist/train"
 * @param shape   shape of one sample, e.g. {1, 28, 28} or {3, 32, 32}; its product is the feature count
 * @param classes number of classes; labels lie in [0, classes)
 * @param x       features, sample-major, length size*features
 * @param labels  one label per sample
 */
public record Dataset(String name, int[] shape, int classes, double[] x, int[] labels) {

    public Dataset {
        int f = Arrays.stream(shape).reduce(1, (p, q) -> p * q);
        if (x.length != (long) f * labels.length) {
            throw new IllegalArgumentException(name + ": " + x.length + " feature values do not fill "
                    + labels.length + " samples of shape " + Arrays.toString(shape));
        }
        for (int label : labels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(name + ": label " + label + " outside [0, " + classes + ")");
            }
        }
    }

    public int features() {
        // A plain loop: called per training step, where a stream would allocate.
        int f = 1;
        for (int d : shape) {
            f *= d;
        }
        return f;
    }

    public int size() {
        return labels.length;
    }

    /** Samples [from, to) as a new dataset (copies). */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException(name + ": slice [" + from + ", " + to + ") outside [0, " + size() + ")");
        }
        int f = features();
        return new Dataset(name, shape.clone(), classes, Arrays.copyOfRange(x, from * f, to * f),
                Arrays.copyOfRange(labels, from, to));
    }

    /** The first n samples (all if n exceeds the size). */
    public Dataset first(int n) {
        return slice(0, Math.min(n, size()));
    }

    @Override
    public String toString() {
        return name + ": " + size() + " samples of " + Arrays.toString(shape) + ", " + classes + " classes";
    }
}
