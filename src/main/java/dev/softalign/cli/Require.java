package dev.softalign.cli;

/**
 * Range checks of option values, each failing with one line that names the option. (That a number
 * is finite at all is checked for every option when the command line is parsed; see Main.)
 */
final class Require {

    private Require() {
    }

    /** Nothing to check for null: an option left out takes the library's default. */
    static void atLeast(String option, Integer value, int min) {
        if (value != null && value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
    }

    static void positive(String option, Double value) {
        if (value != null && !(value > 0)) {
            throw new IllegalArgumentException(option + " must be > 0, got " + value);
        }
    }

    static void nonNegative(String option, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(option + " must be >= 0, got " + value);
        }
    }
}
