package dev.softalign.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The experiments {@code softalign reproduce} knows, by id or figure number. */
public final class Experiments {

    /** Every implemented experiment, in figure order; `reproduce all` runs these. Add new ones here. */
    public static final List<Experiment<?>> ALL = List.of(new DepthExperiment(), new TrainingExperiment(),
            new GradflowExperiment(), new FlatnessExperiment(), new RobustnessExperiment());

    /** Figures of the paper without an experiment yet, and what will provide them. */
    static final Map<String, String> PLANNED = new LinkedHashMap<>();

    private Experiments() {
    }

    /** "all", an experiment id ("depth") or a figure number ("1"); one-line error otherwise. */
    public static List<Experiment<?>> select(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("all")) {
            return ALL;
        }
        for (Experiment<?> e : ALL) {
            if (e.id().equals(n) || e.figure().equals(n)) {
                return List.of(e);
            }
        }
        for (var p : PLANNED.entrySet()) {
            boolean implemented = ALL.stream().anyMatch(e -> e.figure().equals(p.getKey()));
            if (!implemented && (p.getKey().equals(n) || p.getValue().startsWith(n))) {
                throw new IllegalArgumentException("figure " + p.getKey() + ", " + p.getValue() + ", is not implemented yet");
            }
        }
        throw new IllegalArgumentException("unknown figure '" + name + "' (expected all, " + String.join(", ", names()) + ")");
    }

    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (Experiment<?> e : ALL) {
            out.add(e.id() + " (" + e.figure() + ")");
        }
        return out;
    }
}
