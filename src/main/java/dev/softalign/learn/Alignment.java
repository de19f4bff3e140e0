package dev.softalign.learn;

import dev.softalign.nn.Layer;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Vectors;
import java.util.Locale;

/**
 * One-time soft alignment at initialisation: for each layer, target = a * source + sqrt(1 - a^2) * R,
 * where R is the target's current random draw, orthogonalised against the source and rescaled to
 * the source's norm. Then cos(target, source) = a exactly and ||target|| = ||source||.
 */
public final class Alignment {

    /** Which side is rewritten: B set from W (forward, default) or W set from B (feedback). */
    public enum From {
        FORWARD, FEEDBACK;

        public static From parse(String s) {
            switch (s.toLowerCase(Locale.ROOT)) {
                case "forward":
                    return FORWARD;
                case "feedback":
                    return FEEDBACK;
                default:
                    throw new IllegalArgumentException("unknown --align-from '" + s + "' (expected forward or feedback)");
            }
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private Alignment() {
    }

    public static void apply(Mlp net, double a, From from) {
        if (!(a >= 0 && a <= 1)) {
            throw new IllegalArgumentException("alignment degree must lie in [0, 1], got " + a);
        }
        for (int i = 0; i < net.layerCount(); i++) {
            Layer l = net.layer(i);
            if (l.feedback.data.length != l.weight.data.length) {
                throw new IllegalArgumentException("layer " + i + ": feedback is not shaped like the weight, cannot align");
            }
            if (from == From.FORWARD) {
                blend(l.weight.data, l.feedback.data, a);
            } else {
                blend(l.feedback.data, l.weight.data, a);
            }
        }
    }

    /** Rewrites target in place as a * source + sqrt(1-a^2) * (target orthogonalised, scaled to ||source||). */
    static void blend(double[] source, double[] target, double a) {
        double ss = Vectors.dot(source, source);
        if (ss == 0) {
            throw new IllegalArgumentException("cannot align against an all-zero matrix");
        }
        double proj = Vectors.dot(target, source) / ss;
        for (int k = 0; k < target.length; k++) {
            target[k] -= proj * source[k];
        }
        double rn = Vectors.norm(target);
        double sn = Math.sqrt(ss);
        double c = rn == 0 ? 0 : Math.sqrt(1 - a * a) * sn / rn;
        for (int k = 0; k < target.length; k++) {
            target[k] = a * source[k] + c * target[k];
        }
    }
}
