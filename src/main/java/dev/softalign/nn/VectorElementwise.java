package dev.softalign.nn;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Elementwise}'s loops on the Vector API, lane by lane the scalar loops' operations: a
 * double-to-float conversion rounds as the cast does (to nearest, ties to even), and blends pick
 * exactly the values the scalar branches pick. Tails run the scalar loops.
 */
final class VectorElementwise implements Elementwise.Ops {

    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();
    /** L pixels widen to L ints, then to L doubles; a load of 8 bytes covers up to 8 lanes. */
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(L * Integer.SIZE));
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_64;

    @Override
    public void copyRounded(double[] src, int srcPos, double[] dst, int dstPos, int length) {
        int i = 0;
        for (int up = length / L * L; i < up; i += L) {
            DoubleVector x = DoubleVector.fromArray(D, src, srcPos + i);
            ((DoubleVector) x.convertShape(VectorOperators.D2F, F, 0).convertShape(VectorOperators.F2D, D, 0))
                    .intoArray(dst, dstPos + i);
        }
        Elementwise.SCALAR.copyRounded(src, srcPos + i, dst, dstPos + i, length - i);
    }

    @Override
    public void reluMask(double[] d, double[] a, int from, int to) {
        DoubleVector zero = DoubleVector.zero(D);
        int i = from;
        for (int end = from + (to - from) / L * L; i < end; i += L) {
            VectorMask<Double> positive = DoubleVector.fromArray(D, a, i).compare(VectorOperators.GT, 0.0);
            zero.blend(DoubleVector.fromArray(D, d, i), positive).intoArray(d, i);
        }
        Elementwise.SCALAR.reluMask(d, a, i, to);
    }

    @Override
    public void reluDerivativeTimes(double[] out, double[] a, double[] x, int from, int to) {
        DoubleVector zero = DoubleVector.zero(D);
        DoubleVector one = DoubleVector.broadcast(D, 1.0);
        int i = from;
        for (int end = from + (to - from) / L * L; i < end; i += L) {
            // The derivative, 1 or 0, then the same multiplication the scalar loop does.
            DoubleVector derivative = zero.blend(one, DoubleVector.fromArray(D, a, i).compare(VectorOperators.GT, 0.0));
            derivative.mul(DoubleVector.fromArray(D, x, i)).intoArray(out, i);
        }
        Elementwise.SCALAR.reluDerivativeTimes(out, a, x, i, to);
    }

    @Override
    public void signStep(double[] xa, double[] g, double alpha, int from, int to) {
        DoubleVector up = DoubleVector.broadcast(D, alpha);
        DoubleVector down = DoubleVector.broadcast(D, -alpha);
        int i = from;
        for (int end = from + (to - from) / L * L; i < end; i += L) {
            DoubleVector.fromArray(D, xa, i).add(signTimes(DoubleVector.fromArray(D, g, i), up, down)).intoArray(xa, i);
        }
        Elementwise.SCALAR.signStep(xa, g, alpha, i, to);
    }

    /**
     * alpha * signum(g) lane by lane, given up = alpha and down = -alpha (alpha positive): alpha
     * above zero, -alpha below, and g * 0 otherwise, which is the signed zero of a zero g and NaN
     * for a NaN g, as alpha * signum(g) gives.
     */
    private static DoubleVector signTimes(DoubleVector g, DoubleVector up, DoubleVector down) {
        return g.mul(0.0).blend(up, g.compare(VectorOperators.GT, 0.0)).blend(down, g.compare(VectorOperators.LT, 0.0));
    }

    /** Lanes rounded to float32, as the cast rounds each. */
    private static DoubleVector f32(DoubleVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.D2F, F, 0).convertShape(VectorOperators.F2D, D, 0);
    }

    @Override
    public void addBias(double[] a, double[] bias, int rows, int fromColumn, int toColumn, boolean f32, double[] relu) {
        int up = D.loopBound(rows);
        for (int j = fromColumn, o = fromColumn * rows; j < toColumn; j++, o += rows) {
            int k = 0;
            for (; k < up; k += L) {
                DoubleVector s = DoubleVector.fromArray(D, a, o + k).add(DoubleVector.fromArray(D, bias, k));
                if (f32) {
                    s = f32(s);
                }
                s.intoArray(a, o + k);
                if (relu != null) {
                    s.lanewise(VectorOperators.MAX, 0.0).intoArray(relu, o + k);
                }
            }
            Elementwise.addBiasColumn(a, bias, o, k, rows, f32, relu);
        }
    }

    @Override
    public void momentum(double[] w, double[] g, double[] buf, double lr, double momentum, double weightDecay,
                         boolean first, boolean nesterov, boolean f32, int from, int to) {
        int k = from;
        for (int end = from + (to - from) / L * L; k < end; k += L) {
            DoubleVector wv = DoubleVector.fromArray(D, w, k);
            DoubleVector d = DoubleVector.fromArray(D, g, k).add(wv.mul(weightDecay));
            DoubleVector b = first ? d : DoubleVector.fromArray(D, buf, k).mul(momentum).add(d);
            if (f32) {
                b = f32(b);
            }
            b.intoArray(buf, k);
            DoubleVector v = wv.sub(nesterov ? d.add(b.mul(momentum)).mul(lr) : b.mul(lr));
            (f32 ? f32(v) : v).intoArray(w, k);
        }
        Elementwise.SCALAR.momentum(w, g, buf, lr, momentum, weightDecay, first, nesterov, f32, k, to);
    }

    @Override
    public void momentum(double[] w, double[] g, float[] buf, double lr, double momentum, double weightDecay,
                         boolean first, boolean nesterov, int from, int to) {
        int k = from;
        for (int end = from + (to - from) / L * L; k < end; k += L) {
            DoubleVector wv = DoubleVector.fromArray(D, w, k);
            DoubleVector d = DoubleVector.fromArray(D, g, k).add(wv.mul(weightDecay));
            FloatVector bf = first ? (FloatVector) d.convertShape(VectorOperators.D2F, F, 0)
                    : (FloatVector) ((DoubleVector) FloatVector.fromArray(F, buf, k).convertShape(VectorOperators.F2D, D, 0))
                            .mul(momentum).add(d).convertShape(VectorOperators.D2F, F, 0);
            bf.intoArray(buf, k);
            DoubleVector b = (DoubleVector) bf.convertShape(VectorOperators.F2D, D, 0);
            f32(wv.sub(nesterov ? d.add(b.mul(momentum)).mul(lr) : b.mul(lr))).intoArray(w, k);
        }
        Elementwise.SCALAR.momentum(w, g, buf, lr, momentum, weightDecay, first, nesterov, k, to);
    }

    @Override
    public void linfAscent(double[] xa, double[] g, double alpha, double[] x, double eps, int from, int to) {
        DoubleVector up = DoubleVector.broadcast(D, alpha);
        DoubleVector down = DoubleVector.broadcast(D, -alpha);
        int i = from;
        for (int end = from + (to - from) / L * L; i < end; i += L) {
            DoubleVector xv = DoubleVector.fromArray(D, x, i);
            DoubleVector t = DoubleVector.fromArray(D, xa, i).add(signTimes(DoubleVector.fromArray(D, g, i), up, down));
            t = xv.add(t.sub(xv).lanewise(VectorOperators.MIN, eps).lanewise(VectorOperators.MAX, -eps));
            t.lanewise(VectorOperators.MIN, 1.0).lanewise(VectorOperators.MAX, 0.0).intoArray(xa, i);
        }
        Elementwise.SCALAR.linfAscent(xa, g, alpha, x, eps, i, to);
    }

    @Override
    public void pixels(byte[] src, int srcPos, double[] dst, int dstPos, int length, boolean f32) {
        int i = 0;
        // Each load reads 8 bytes and converts the first L: stop where 8 would pass the array's end.
        for (int end = Math.min(length, src.length - srcPos - B.length() + L) / L * L; i < end; i += L) {
            IntVector p = ((IntVector) ByteVector.fromArray(B, src, srcPos + i).convertShape(VectorOperators.B2I, I, 0)).and(0xff);
            DoubleVector v = ((DoubleVector) p.convertShape(VectorOperators.I2D, D, 0)).div(255.0);
            (f32 ? f32(v) : v).intoArray(dst, dstPos + i);
        }
        Elementwise.SCALAR.pixels(src, srcPos + i, dst, dstPos + i, length - i, f32);
    }
}
