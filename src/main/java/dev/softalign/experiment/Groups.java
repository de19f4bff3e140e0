package dev.softalign.experiment;

import dev.softalign.learn.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/** The compared conditions (BP, FA, FA with soft alignment a) and grouping of results by them. */
public final class Groups {

    private Groups() {
    }

    /** A compared condition: its label and how it sets up a config. */
    public record Condition(String label, String rule, Double align) {

        public TrainConfig apply(TrainConfig c) {
            return c.rule(rule).align(align);
        }
    }

    /** BP, plain FA, then FA soft-aligned at each degree of the preset. */
    public static List<Condition> conditions(Preset p) {
        List<Condition> out = new ArrayList<>();
        out.add(new Condition("BP", "bp", null));
        out.add(new Condition("FA", "fa", null));
        for (double a : p.aligns()) {
            out.add(new Condition(aligned(a), "fa", a));
        }
        return out;
    }

    public static String aligned(double a) {
        return String.format(Locale.ROOT, "FA a=%s", trim(a));
    }

    static String trim(double a) {
        String s = Double.toString(a);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }

    /** Results by group label, groups in order of first appearance. */
    public static <R extends CellResult<?>> Map<String, List<R>> byGroup(List<R> results) {
        Map<String, List<R>> m = new LinkedHashMap<>();
        for (R r : results) {
            m.computeIfAbsent(r.group(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    public static <R extends CellResult<?>> List<R> where(List<R> results, Predicate<? super R> p) {
        return results.stream().filter(p).toList();
    }
}
