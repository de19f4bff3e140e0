package dev.softalign.nn;

/**
 * Elementwise loops that C2 (JDK 17) leaves scalar, run on the Vector API where the incubator
 * module is present: rounding to float32 (a loop of casts), and with it the bias add (fused with
 * ReLU) and the SGD momentum update of float32 networks; the ReLU derivative's mask (and its
 * product form, for the Hessian's R-operator) and the sign step of L-inf attacks, alone or fused with the projection and clip (data-dependent branches,
 * mispredicted half the time on gradients).
 * Each lane does the IEEE operation the scalar loop does, so both give the same bits, NaN and
 * signed zeros included; the scalar loops are the definition and the fallback.
 */
public final class Elementwise {

    /** The loops, scalar or vector; every implementation gives {@link #SCALAR}'s bits. */
    interface Ops {
        void copyRounded(double[] src, int srcPos, double[] dst, int dstPos, int length);

        void reluMask(double[] d, double[] a, int from, int to);

        void reluDerivativeTimes(double[] out, double[] a, double[] x, int from, int to);

        void signStep(double[] xa, double[] g, double alpha, int from, int to);

        void addBias(double[] a, double[] bias, int rows, int fromColumn, int toColumn, boolean f32, double[] relu);

        void momentum(double[] w, double[] g, double[] buf, double lr, double momentum, double weightDecay,
                      boolean first, boolean nesterov, boolean f32, int from, int to);

        void linfAscent(double[] xa, double[] g, double alpha, double[] x, double eps, int from, int to);

        void momentum(double[] w, double[] g, float[] buf, double lr, double momentum, double weightDecay,
                      boolean first, boolean nesterov, int from, int to);

        void pixels(byte[] src, int srcPos, double[] dst, int dstPos, int length, boolean f32);
    }

    static final Ops SCALAR = new Ops() {
        @Override
        public void copyRounded(double[] src, int srcPos, double[] dst, int dstPos, int length) {
            for (int i = 0; i < length; i++) {
                dst[dstPos + i] = (float) src[srcPos + i];
            }
        }

        @Override
        public void reluMask(double[] d, double[] a, int from, int to) {
            for (int i = from; i < to; i++) {
                d[i] = a[i] > 0 ? d[i] : 0.0;
            }
        }

        @Override
        public void reluDerivativeTimes(double[] out, double[] a, double[] x, int from, int to) {
            for (int i = from; i < to; i++) {
                out[i] = Activation.RELU.derivative(a[i]) * x[i];
            }
        }

        @Override
        public void signStep(double[] xa, double[] g, double alpha, int from, int to) {
            for (int i = from; i < to; i++) {
                xa[i] += alpha * Math.signum(g[i]);
            }
        }

        @Override
        public void addBias(double[] a, double[] bias, int rows, int fromColumn, int toColumn, boolean f32, double[] relu) {
            for (int o = fromColumn * rows; o < toColumn * rows; o += rows) {
                addBiasColumn(a, bias, o, 0, rows, f32, relu);
            }
        }

        @Override
        public void momentum(double[] w, double[] g, double[] buf, double lr, double momentum, double weightDecay,
                             boolean first, boolean nesterov, boolean f32, int from, int to) {
            for (int k = from; k < to; k++) {
                double d = g[k] + weightDecay * w[k];
                double b = first ? d : momentum * buf[k] + d;
                b = f32 ? (float) b : b;
                buf[k] = b;
                double v = w[k] - lr * (nesterov ? d + momentum * b : b);
                w[k] = f32 ? (float) v : v;
            }
        }

        @Override
        public void momentum(double[] w, double[] g, float[] buf, double lr, double momentum, double weightDecay,
                             boolean first, boolean nesterov, int from, int to) {
            for (int k = from; k < to; k++) {
                double d = g[k] + weightDecay * w[k];
                double b = (float) (first ? d : momentum * buf[k] + d);
                buf[k] = (float) b;
                w[k] = (float) (w[k] - lr * (nesterov ? d + momentum * b : b));
            }
        }

        @Override
        public void linfAscent(double[] xa, double[] g, double alpha, double[] x, double eps, int from, int to) {
            for (int i = from; i < to; i++) {
                double t = xa[i] + alpha * Math.signum(g[i]);
                t = x[i] + Math.max(-eps, Math.min(eps, t - x[i]));
                xa[i] = Math.max(0, Math.min(1, t));
            }
        }

        @Override
        public void pixels(byte[] src, int srcPos, double[] dst, int dstPos, int length, boolean f32) {
            for (int i = 0; i < length; i++) {
                double v = (src[srcPos + i] & 0xff) / 255.0;
                dst[dstPos + i] = f32 ? (float) v : v;
            }
        }
    };

    /** {@link Ops#addBias}'s scalar loop for rows [from, rows) of the column starting at o. */
    static void addBiasColumn(double[] a, double[] bias, int o, int from, int rows, boolean f32, double[] relu) {
        for (int k = from; k < rows; k++) {
            double s = a[o + k] + bias[k];
            s = f32 ? (float) s : s;
            a[o + k] = s;
            if (relu != null) {
                relu[o + k] = Math.max(s, 0.0);
            }
        }
    }

    static final Ops OPS = find();

    private Elementwise() {
    }

    private static Ops find() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return SCALAR;
        }
        try {
            // Reflection keeps this class loadable without the incubator module.
            return (Ops) Class.forName("dev.softalign.nn.VectorElementwise").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return SCALAR;
        }
    }

    /** v[from, to) rounded to float32 in place: {@code v[i] = (float) v[i]}, a rounded copy onto itself. */
    public static void roundToFloat(double[] v, int from, int to) {
        OPS.copyRounded(v, from, v, from, to - from);
    }

    /**
     * dst[dstPos + i] = (float) src[srcPos + i] for i below length: a copy rounded to float32 in one
     * pass (a float32 network's inputs, read once instead of copied and then rounded in place).
     */
    public static void copyRounded(double[] src, int srcPos, double[] dst, int dstPos, int length) {
        OPS.copyRounded(src, srcPos, dst, dstPos, length);
    }

    /** The ReLU derivative applied to a delta: {@code d[i] = a[i] > 0 ? d[i] : 0} for i in [from, to). */
    public static void reluMask(double[] d, double[] a, int from, int to) {
        OPS.reluMask(d, a, from, to);
    }

    /**
     * ReLU's derivative times x, as the R-operator's passes compute it:
     * {@code out[i] = Activation.RELU.derivative(a[i]) * x[i]} for i in [from, to), the product
     * itself (so a NaN or infinite x times 0 stays NaN, unlike {@link #reluMask}); out may be x.
     */
    public static void reluDerivativeTimes(double[] out, double[] a, double[] x, int from, int to) {
        OPS.reluDerivativeTimes(out, a, x, from, to);
    }

    /** An L-inf ascent step: {@code xa[i] += alpha * Math.signum(g[i])} over [from, to), alpha positive. */
    public static void signStep(double[] xa, double[] g, double alpha, int from, int to) {
        OPS.signStep(xa, g, alpha, from, to);
    }

    /**
     * A whole L-inf PGD step over [from, to) in one pass: the sign step, the projection to the
     * eps-cube around x and the clip to [0,1], each as {@code Norm}'s separate passes compute it.
     */
    public static void linfAscent(double[] xa, double[] g, double alpha, double[] x, double eps, int from, int to) {
        OPS.linfAscent(xa, g, alpha, x, eps, from, to);
    }

    /**
     * a += bias per column of columns [fromColumn, toColumn) of a column-major matrix of the given
     * rows, each sum rounded to float32 if f32 (the float32 sum itself: one addition of float32
     * values), and, if relu is not null, relu = max(a, 0) in the same pass.
     */
    public static void addBias(double[] a, double[] bias, int rows, int fromColumn, int toColumn, boolean f32, double[] relu) {
        OPS.addBias(a, bias, rows, fromColumn, toColumn, f32, relu);
    }

    /**
     * 8-bit pixels as values in [0,1]: {@code dst[dstPos + i] = (src[srcPos + i] & 0xff) / 255.0},
     * as {@link dev.softalign.data.Dataset#ofPixels} defines them, rounded to float32 if f32.
     */
    public static void pixels(byte[] src, int srcPos, double[] dst, int dstPos, int length, boolean f32) {
        OPS.pixels(src, srcPos, dst, dstPos, length, f32);
    }

    /**
     * SGD with momentum over [from, to), PyTorch's recurrence: d = g + weightDecay w; buf = d on the
     * first step, else momentum buf + d; w -= lr buf (nesterov: lr (d + momentum buf)). In float32
     * buf and w are rounded as they are stored.
     */
    public static void momentum(double[] w, double[] g, double[] buf, double lr, double momentum, double weightDecay,
                                boolean first, boolean nesterov, boolean f32, int from, int to) {
        OPS.momentum(w, g, buf, lr, momentum, weightDecay, first, nesterov, f32, from, to);
    }

    /**
     * {@link #momentum} in float32 with the buffer held in float32: the same values (each is a
     * float32 anyway), in half the bytes a step reads and writes for it.
     */
    public static void momentum(double[] w, double[] g, float[] buf, double lr, double momentum, double weightDecay,
                                boolean first, boolean nesterov, int from, int to) {
        OPS.momentum(w, g, buf, lr, momentum, weightDecay, first, nesterov, from, to);
    }
}
