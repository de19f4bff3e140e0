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
            ROUNDER.round(values, from, to);
        }
    }

    /** Rounds a range of doubles to float32 in place; every implementation gives the scalar cast's bits. */
    interface Rounder {
        void round(double[] v, int from, int to);
    }

    /** The Vector API rounder where the incubator module is present, else the scalar cast. */
    private static final Rounder ROUNDER = rounder();

    private static Rounder rounder() {
        Rounder scalar = (v, from, to) -> {
            for (int i = from; i < to; i++) {
                v[i] = (float) v[i];
            }
        };
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return scalar;
        }
        try {
            // Reflection keeps this class loadable without the incubator module.
            return (Rounder) Class.forName("dev.softalign.nn.VectorRound").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return scalar;
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
