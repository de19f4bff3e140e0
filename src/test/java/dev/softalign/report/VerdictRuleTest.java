package dev.softalign.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.softalign.report.Verdict.Outcome;
import org.junit.jupiter.api.Test;

/** The rule's sentence and outcome come from the same criteria. */
class VerdictRuleTest {

    @Test
    void allOfCountsCriteria() {
        VerdictRule r = VerdictRule.allOf("means over seeds").criterion("x is small", true).criterion("y is small", false);
        assertEquals(Outcome.PARTLY, r.outcome());
        assertEquals("means over seeds: yes if both (a) x is small and (b) y is small; partly if only one holds; no if "
                + "neither", r.sentence());
        assertEquals(Outcome.YES, VerdictRule.allOf("").criterion("a", true).criterion("b", true).criterion("c", true)
                .outcome());
        VerdictRule three = VerdictRule.allOf("c").criterion("a", false).criterion("b", false).criterion("d", false);
        assertEquals(Outcome.NO, three.outcome());
        assertEquals("c: yes if all of (a) a, (b) b, (c) d hold; partly if some do; no if none does", three.sentence());
        VerdictRule one = VerdictRule.allOf("c").criterion("a", true);
        assertEquals("c: yes if a; no otherwise", one.sentence());
        assertEquals(Outcome.YES, one.outcome());
        assertEquals(Outcome.UNDECIDED, one.decidableIf(false).outcome());
    }

    @Test
    void firstOfTakesTheFirstCaseThatHolds() {
        VerdictRule r = VerdictRule.firstOf("c").when(Outcome.PARTLY, "p", false).when(Outcome.YES, "q", true)
                .when(Outcome.PARTLY, "s", true);
        assertEquals(Outcome.YES, r.outcome());
        assertEquals("c: partly if p; else yes if q; else partly if s; no otherwise", r.sentence());
        assertEquals(Outcome.NO, VerdictRule.firstOf("c").when(Outcome.YES, "q", false).outcome());
        Verdict v = r.verdict("claim", "numbers");
        assertEquals(new Verdict("claim", r.sentence(), "numbers", Outcome.YES), v);
    }
}
