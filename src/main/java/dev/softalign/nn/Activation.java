package dev.softalign.nn;

import java.util.Locale;

/** Hidden-unit nonlinearities with the first and second derivatives that backward and R-op passes need. */
public enum Activation {
    RELU {
        @Override
        public double apply(double a) {
            return Math.max(a, 0.0); // NaN stays NaN, so a diverging run is caught
        }

        @Override
        public double derivative(double a) {
            return a > 0 ? 1 : 0;
        }

        @Override
        public double second(double a) {
            return 0;
        }
    },
    TANH {
        @Override
        public double apply(double a) {
            return Math.tanh(a);
        }

        @Override
        public double derivative(double a) {
            double t = Math.tanh(a);
            return 1 - t * t;
        }

        @Override
        public double second(double a) {
            double t = Math.tanh(a);
            return -2 * t * (1 - t * t);
        }
    },
    SIGMOID {
        @Override
        public double apply(double a) {
            return sigmoid(a);
        }

        @Override
        public double derivative(double a) {
            double s = sigmoid(a);
            return s * (1 - s);
        }

        @Override
        public double second(double a) {
            double s = sigmoid(a);
            return s * (1 - s) * (1 - 2 * s);
        }
    },
    IDENTITY {
        @Override
        public double apply(double a) {
            return a;
        }

        @Override
        public double derivative(double a) {
            return 1;
        }

        @Override
        public double second(double a) {
            return 0;
        }
    };

    public abstract double apply(double a);

    /** f'(a), as a function of the pre-activation. */
    public abstract double derivative(double a);

    /** f''(a), as a function of the pre-activation (for Hessian-vector products). */
    public abstract double second(double a);

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Activation parse(String s) {
        for (Activation a : values()) {
            if (a.id().equals(s.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + s + "' (expected relu, tanh, sigmoid or identity)");
    }

    private static double sigmoid(double a) {
        // Two branches keep exp from overflowing for large |a|.
        if (a >= 0) {
            return 1 / (1 + Math.exp(-a));
        }
        double e = Math.exp(a);
        return e / (1 + e);
    }
}
