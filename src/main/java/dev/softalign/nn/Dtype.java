package dev.softalign.nn;

import java.util.Locale;

/**
 * The precision a network computes in. Values always live in double arrays; a float32 network
 * holds only float32 values there (every parameter, activation and gradient is rounded to float32
 * when written) and its matrix products run in float32 ({@link MatMul#get(Dtype)}). Widening a
 * float32 network to float64 is exact, so an analysis that needs float64 (the Hessian) simply
 * runs the same values on a float64 kernel.
 */
public enum Dtype {
    F64,
    F32;

    /** "f64" or "f32", as in command options. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The safetensors dtype a model of this precision is saved in without loss: "F64" or "F32". */
    public String safetensors() {
        return name();
    }

    /** Rounds every value to this precision, in place (nothing to do in float64). */
    public void round(double[] values) {
        round(values, 0, values.length);
    }

    /** Rounds values[from, to) to this precision, in place (nothing to do in float64). */
    public void round(double[] values, int from, int to) {
        if (this == F32) {
            Elementwise.roundToFloat(values, from, to);
        }
    }

    /** f64, f32 (any case), float64 or float32. */
    public static Dtype parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "f64", "float64":
                return F64;
            case "f32", "float32":
                return F32;
            default:
                throw new IllegalArgumentException("unknown dtype '" + s + "' (expected f64 or f32)");
        }
    }
}
