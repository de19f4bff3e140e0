package dev.softalign.learn;

import java.util.Locale;

/** Learning rate as a function of the global step: constant, or cosine annealing to zero over the run. */
public enum Schedule {
    CONSTANT, COSINE;

    public double rate(double base, long step, long totalSteps) {
        if (this == CONSTANT || totalSteps <= 0) {
            return base;
        }
        double t = Math.min(1.0, (double) step / totalSteps);
        return 0.5 * base * (1 + Math.cos(Math.PI * t));
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Schedule parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "constant":
                return CONSTANT;
            case "cosine":
                return COSINE;
            default:
                throw new IllegalArgumentException("unknown schedule '" + s + "' (expected constant or cosine)");
        }
    }
}
