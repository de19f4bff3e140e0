package dev.softalign.report;

import java.util.Locale;

/**
 * Whether one claim of the paper was reproduced here: the claim, the rule that decides it (stated
 * in words, applied in code), the numbers measured, and the outcome the rule gave.
 */
public record Verdict(String claim, String rule, String measured, Outcome outcome) {

    public enum Outcome {
        YES, PARTLY, NO,
        /** The data cannot decide it (e.g. every cell diverged, or the experiment lacks a condition). */
        UNDECIDED;

        public String label() {
            return this == UNDECIDED ? "undecided" : name().toLowerCase(Locale.ROOT);
        }
    }
}
