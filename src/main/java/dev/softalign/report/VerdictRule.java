package dev.softalign.report;

import dev.softalign.report.Verdict.Outcome;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule that decides a claim, built from statements each paired with the test that checks it,
 * so the sentence a report prints and the outcome it reports come from the same objects and cannot
 * drift apart. Two shapes cover every verdict:
 * <ul>
 * <li>{@link #allOf}: yes if every criterion holds, partly if some do, no if none does;</li>
 * <li>{@link #firstOf}: cases checked in order, the first that holds gives its outcome, no otherwise.</li>
 * </ul>
 * A rule whose inputs are missing (a NaN mean, a condition the preset lacks) is marked
 * {@link #decidableIf undecidable} and reports {@link Outcome#UNDECIDED}.
 */
public final class VerdictRule {

    private record Case(Outcome outcome, String statement, boolean holds) {
    }

    private final String context;
    private final boolean ordered;
    private final List<Case> cases = new ArrayList<>();
    private boolean decidable = true;

    private VerdictRule(String context, boolean ordered) {
        this.context = context;
        this.ordered = ordered;
    }

    /** Yes if every criterion holds, partly if some do, no if none does. context says what is compared, e.g. "means over seeds". */
    public static VerdictRule allOf(String context) {
        return new VerdictRule(context, false);
    }

    /** Cases in order; the first that holds decides; no if none holds. */
    public static VerdictRule firstOf(String context) {
        return new VerdictRule(context, true);
    }

    /** A criterion of an {@link #allOf} rule: its statement and whether it holds on the data. */
    public VerdictRule criterion(String statement, boolean holds) {
        if (ordered) {
            throw new IllegalStateException("a firstOf rule takes cases, not criteria");
        }
        cases.add(new Case(Outcome.YES, statement, holds));
        return this;
    }

    /** A case of a {@link #firstOf} rule: if statement holds (and no earlier case did), the outcome is outcome. */
    public VerdictRule when(Outcome outcome, String statement, boolean holds) {
        if (!ordered) {
            throw new IllegalStateException("an allOf rule takes criteria, not cases");
        }
        cases.add(new Case(outcome, statement, holds));
        return this;
    }

    /** Whether the data can decide the rule at all (false: undecided, whatever the criteria say). */
    public VerdictRule decidableIf(boolean v) {
        decidable &= v;
        return this;
    }

    /** The rule in words, as the report prints it. */
    public String sentence() {
        if (cases.isEmpty()) {
            throw new IllegalStateException("a rule needs at least one criterion");
        }
        StringBuilder s = new StringBuilder(context).append(context.isEmpty() ? "" : ": ");
        if (ordered) {
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                s.append(i == 0 ? "" : "; else ").append(c.outcome().label()).append(" if ").append(c.statement());
            }
            return s.append("; no otherwise").toString();
        }
        if (cases.size() == 1) {
            return s.append("yes if ").append(cases.get(0).statement()).append("; no otherwise").toString();
        }
        if (cases.size() == 2) {
            return s.append("yes if both (a) ").append(cases.get(0).statement()).append(" and (b) ")
                    .append(cases.get(1).statement()).append("; partly if only one holds; no if neither").toString();
        }
        s.append("yes if all of ");
        for (int i = 0; i < cases.size(); i++) {
            s.append(i == 0 ? "" : ", ").append('(').append((char) ('a' + i)).append(") ").append(cases.get(i).statement());
        }
        return s.append(" hold; partly if some do; no if none does").toString();
    }

    /** The outcome the rule gives on the data. */
    public Outcome outcome() {
        if (!decidable) {
            return Outcome.UNDECIDED;
        }
        if (ordered) {
            for (Case c : cases) {
                if (c.holds()) {
                    return c.outcome();
                }
            }
            return Outcome.NO;
        }
        long hits = cases.stream().filter(Case::holds).count();
        return hits == cases.size() ? Outcome.YES : hits > 0 ? Outcome.PARTLY : Outcome.NO;
    }

    /** The verdict on claim: this rule's sentence and outcome, with the numbers measured. */
    public Verdict verdict(String claim, String measured) {
        return new Verdict(claim, sentence(), measured, outcome());
    }
}
