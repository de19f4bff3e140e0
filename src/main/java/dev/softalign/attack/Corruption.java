package dev.softalign.attack;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Common input corruptions at five severities (after Hendrycks & Dietterich's ImageNet-C and its
 * small-image variant CIFAR-10-C), applied per sample to values in [0,1] and clipped back to [0,1].
 * Severity parameters:
 * <ul>
 *   <li>gaussian-noise: x + N(0, s^2), s = 0.08, 0.12, 0.18, 0.26, 0.38 (ImageNet-C);</li>
 *   <li>salt-and-pepper: a fraction p of values set to 0 or 1 (half each), p = 0.03, 0.06, 0.09, 0.17, 0.27
 *       (ImageNet-C impulse noise);</li>
 *   <li>gaussian-blur: per-channel Gaussian blur of the H x W image, sigma = 0.4, 0.6, 0.7, 0.8, 1.0 pixels
 *       (CIFAR-10-C; ImageNet-C's 1..6 are for 224-pixel images), kernel truncated at 4 sigma,
 *       edges extended ("nearest", as skimage);</li>
 *   <li>contrast: (x - m) c + m with m the image mean, c = 0.75, 0.5, 0.4, 0.3, 0.15 (CIFAR-10-C).</li>
 * </ul>
 */
public enum Corruption {
    GAUSSIAN_NOISE("gaussian-noise", 0.08, 0.12, 0.18, 0.26, 0.38) {
        @Override
        void corrupt(double[] x, int offset, int[] shape, double s, SplittableRandom rng) {
            int f = features(shape);
            for (int i = offset; i < offset + f; i++) {
                x[i] += s * rng.nextGaussian();
            }
        }
    },
    SALT_AND_PEPPER("salt-and-pepper", 0.03, 0.06, 0.09, 0.17, 0.27) {
        @Override
        void corrupt(double[] x, int offset, int[] shape, double p, SplittableRandom rng) {
            int f = features(shape);
            for (int i = offset; i < offset + f; i++) {
                if (rng.nextDouble() < p) {
                    x[i] = rng.nextBoolean() ? 1 : 0;
                }
            }
        }
    },
    GAUSSIAN_BLUR("gaussian-blur", 0.4, 0.6, 0.7, 0.8, 1.0) {
        @Override
        void corrupt(double[] x, int offset, int[] shape, double sigma, SplittableRandom rng) {
            int channels = shape.length == 3 ? shape[0] : 1;
            int h = shape[shape.length - 2];
            int w = shape[shape.length - 1];
            double[] k = kernel(sigma);
            int r = k.length / 2;
            double[] tmp = new double[h * w];
            for (int c = 0; c < channels; c++) {
                int o = offset + c * h * w;
                // Separable: rows into tmp, then columns back into x.
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double s = 0;
                        for (int t = -r; t <= r; t++) {
                            int xi = Math.max(0, Math.min(w - 1, xx + t));
                            s += k[t + r] * x[o + y * w + xi];
                        }
                        tmp[y * w + xx] = s;
                    }
                }
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double s = 0;
                        for (int t = -r; t <= r; t++) {
                            int yi = Math.max(0, Math.min(h - 1, y + t));
                            s += k[t + r] * tmp[yi * w + xx];
                        }
                        x[o + y * w + xx] = s;
                    }
                }
            }
        }

        @Override
        void check(int[] shape) {
            if (shape.length != 2 && shape.length != 3) {
                throw new IllegalArgumentException("gaussian-blur needs image samples (H x W or C x H x W), got shape "
                        + Arrays.toString(shape));
            }
        }
    },
    CONTRAST("contrast", 0.75, 0.5, 0.4, 0.3, 0.15) {
        @Override
        void corrupt(double[] x, int offset, int[] shape, double c, SplittableRandom rng) {
            int f = features(shape);
            double m = 0;
            for (int i = offset; i < offset + f; i++) {
                m += x[i];
            }
            m /= f;
            for (int i = offset; i < offset + f; i++) {
                x[i] = (x[i] - m) * c + m;
            }
        }
    };

    public static final int SEVERITIES = 5;

    private final String id;
    private final double[] parameters;

    Corruption(String id, double... parameters) {
        this.id = id;
        this.parameters = parameters;
    }

    public String id() {
        return id;
    }

    /** The parameter at severity 1..5 (noise std, replaced fraction, blur sigma, contrast factor). */
    public double parameter(int severity) {
        if (severity < 1 || severity > SEVERITIES) {
            throw new IllegalArgumentException("severity must be 1.." + SEVERITIES + ", got " + severity);
        }
        return parameters[severity - 1];
    }

    /** Whether this corruption applies to samples of this shape (blur needs an image). */
    public boolean appliesTo(int[] shape) {
        try {
            check(shape);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Corrupted copy of n samples (sample-major, each of the given shape), clipped to [0,1]. */
    public double[] apply(double[] x, int[] shape, int severity, SplittableRandom rng) {
        double p = parameter(severity);
        check(shape);
        int f = features(shape);
        if (x.length % f != 0) {
            throw new IllegalArgumentException(x.length + " values are not whole samples of shape " + Arrays.toString(shape));
        }
        double[] out = x.clone();
        for (int o = 0; o < out.length; o += f) {
            corrupt(out, o, shape, p, rng);
        }
        Norm.clip(out);
        return out;
    }

    abstract void corrupt(double[] x, int offset, int[] shape, double parameter, SplittableRandom rng);

    void check(int[] shape) {
    }

    static int features(int[] shape) {
        int f = 1;
        for (int s : shape) {
            f *= s;
        }
        return f;
    }

    /** Normalised Gaussian weights over [-ceil(4 sigma), ceil(4 sigma)]. */
    static double[] kernel(double sigma) {
        int r = (int) Math.ceil(4 * sigma);
        double[] k = new double[2 * r + 1];
        double s = 0;
        for (int t = -r; t <= r; t++) {
            k[t + r] = Math.exp(-0.5 * t * t / (sigma * sigma));
            s += k[t + r];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= s;
        }
        return k;
    }

    public static Corruption parse(String s) {
        for (Corruption c : values()) {
            if (c.id.equals(s.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown corruption '" + s + "' (expected gaussian-noise, salt-and-pepper, "
                + "gaussian-blur or contrast)");
    }
}
