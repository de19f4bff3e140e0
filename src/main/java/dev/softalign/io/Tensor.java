package dev.softalign.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * An unnamed tensor as stored in a safetensors file: values in row-major (C) order, as
 * PyTorch lays them out, held as doubles whatever the stored dtype.
 *
 * <p>Equality compares values bit for bit (so NaN payloads and -0.0 matter), which is what a
 * round-trip test needs; {@link java.util.Arrays#equals(double[], double[])} would not be.
 *
 * @param dtype safetensors dtype name: the stored type after reading, the type to write otherwise
 * @param shape dimensions, each non-negative; an empty shape is a scalar
 * @param data  row-major values, as many as the product of the shape
 */
public record Tensor(String dtype, long[] shape, double[] data) {

    public Tensor {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long n = elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n
                    + " values, got " + data.length);
        }
    }

    /** A float64 tensor, the toolkit's native precision. */
    public static Tensor of(long[] shape, double[] data) {
        return new Tensor(SafeTensors.F64, shape, data);
    }

    /** A rows x cols float64 matrix from row-major data. */
    public static Tensor matrix(int rows, int cols, double[] rowMajor) {
        return of(new long[] {rows, cols}, rowMajor);
    }

    /** A float64 vector. */
    public static Tensor vector(double[] data) {
        return of(new long[] {data.length}, data);
    }

    /** The product of the dimensions, or -1 if a dimension is negative or the product overflows a long. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Tensor t) || !dtype.equals(t.dtype) || !Arrays.equals(shape, t.shape)
                || data.length != t.data.length) {
            return false;
        }
        for (int i = 0; i < data.length; i++) {
            if (Double.doubleToRawLongBits(data[i]) != Double.doubleToRawLongBits(t.data[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 31 * dtype.hashCode() + Arrays.hashCode(shape);
        for (double v : data) {
            h = 31 * h + Long.hashCode(Double.doubleToRawLongBits(v));
        }
        return h;
    }

    @Override
    public String toString() {
        String values = data.length <= 8 ? Arrays.toString(data) : "[" + data.length + " values]";
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + " " + values + "]";
    }
}
