package dev.softalign.data;

import java.util.Arrays;

/**
 * Labelled examples with feature values in [0,1], sample-major: sample i is features
 * {@code [i*features, (i+1)*features)}, so one sample is one contiguous run, copied into a column
 * of a column-major batch matrix in one pass.
 *
 * <p>A dataset holds its features either as doubles or, for images whose pixels are bytes (IDX,
 * CIFAR-10), as those bytes: feature = (pixel & 0xff) / 255.0. In bytes, full Fashion-MNIST takes
 * 55 MB instead of 440 MB, so loading it touches an eighth of the memory and a training step
 * gathers its samples from 784 bytes each instead of 6 KB. Both forms give the same doubles;
 * {@link #copySample} and {@link #samples} read either without making the whole array, and
 * {@link #x} makes it once, on first call, for code that wants it all.
 *
 * <p>Immutable by contract: the arrays passed in and handed out are not copied, and must not be
 * changed.
 */
public final class Dataset {

    private final String name;
    private final int[] shape;
    private final int classes;
    private final int[] labels;
    private final int features;
    /** The features as doubles: given, or for a dataset of pixels made by the first {@link #x()}. */
    private volatile double[] x;
    /** A dataset of pixels' features (value = (pixel & 0xff) / 255.0); null for a dataset of doubles. */
    private final byte[] pixels;

    /** A pixel's value for each byte: one table lookup per feature where the features are decoded. */
    private static final double[] UNIT = new double[256];

    static {
        for (int v = 0; v < 256; v++) {
            UNIT[v] = v / 255.0;
        }
    }

    /**
     * A dataset of doubles.
     *
     * @param name    dataset name, e.g. "fashion-mnist/train"
     * @param shape   shape of one sample, e.g. {1, 28, 28} or {3, 32, 32}; its product is the feature count
     * @param classes number of classes; labels lie in [0, classes)
     * @param x       features, sample-major, length size*features
     * @param labels  one label per sample
     */
    public Dataset(String name, int[] shape, int classes, double[] x, int[] labels) {
        this(name, shape, classes, x, null, labels);
    }

    /** A dataset of 8-bit pixels: feature i is {@code (pixels[i] & 0xff) / 255.0}. */
    public static Dataset ofPixels(String name, int[] shape, int classes, byte[] pixels, int[] labels) {
        return new Dataset(name, shape, classes, null, pixels, labels);
    }

    private Dataset(String name, int[] shape, int classes, double[] x, byte[] pixels, int[] labels) {
        this.name = name;
        this.shape = shape;
        this.classes = classes;
        this.labels = labels;
        this.x = x;
        this.pixels = pixels;
        int f = 1;
        for (int d : shape) {
            f *= d;
        }
        features = f;
        long values = x != null ? x.length : pixels.length;
        if (values != (long) f * labels.length) {
            throw new IllegalArgumentException(name + ": " + values + " feature values do not fill "
                    + labels.length + " samples of shape " + Arrays.toString(shape));
        }
        for (int label : labels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(name + ": label " + label + " outside [0, " + classes + ")");
            }
        }
    }

    public String name() {
        return name;
    }

    /** Shape of one sample, e.g. {1, 28, 28}. */
    public int[] shape() {
        return shape;
    }

    public int classes() {
        return classes;
    }

    /** One label per sample. */
    public int[] labels() {
        return labels;
    }

    public int features() {
        return features;
    }

    public int size() {
        return labels.length;
    }

    /**
     * All features as doubles, sample-major. A dataset of pixels makes this array on the first call
     * (8 bytes per feature) and keeps it; loops over samples should use {@link #copySample}.
     */
    public double[] x() {
        double[] v = x;
        if (v == null) {
            synchronized (this) {
                v = x;
                if (v == null) {
                    v = new double[pixels.length];
                    decode(0, v, 0, pixels.length);
                    x = v;
                }
            }
        }
        return v;
    }

    /**
     * The 8-bit pixels of a dataset made by {@link #ofPixels}, sample-major, feature = (pixel &
     * 0xff) / 255.0; null for a dataset of doubles. Not to be changed.
     */
    public byte[] pixels() {
        return pixels;
    }

    /** Writes sample i's features into dst[off, off + features). */
    public void copySample(int i, double[] dst, int off) {
        if (pixels == null) {
            System.arraycopy(x, i * features, dst, off, features);
        } else {
            decode(i * features, dst, off, features);
        }
    }

    /** The features of samples [from, to), sample-major, as a new array. */
    public double[] samples(int from, int to) {
        checkRange(from, to);
        if (pixels == null) {
            return Arrays.copyOfRange(x, from * features, to * features);
        }
        double[] out = new double[(to - from) * features];
        decode(from * features, out, 0, out.length);
        return out;
    }

    private void decode(int from, double[] dst, int off, int length) {
        byte[] p = pixels;
        for (int k = 0; k < length; k++) {
            dst[off + k] = UNIT[p[from + k] & 0xff];
        }
    }

    /** Samples [from, to) as a new dataset of the same form (copies). */
    public Dataset slice(int from, int to) {
        checkRange(from, to);
        int f = features;
        int[] y = Arrays.copyOfRange(labels, from, to);
        return pixels == null ? new Dataset(name, shape.clone(), classes, Arrays.copyOfRange(x, from * f, to * f), y)
                : ofPixels(name, shape.clone(), classes, Arrays.copyOfRange(pixels, from * f, to * f), y);
    }

    /** The same samples under another name (shares the arrays, the decoded doubles too if made). */
    public Dataset named(String newName) {
        return new Dataset(newName, shape, classes, x, pixels, labels);
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException(name + ": slice [" + from + ", " + to + ") outside [0, " + size() + ")");
        }
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
