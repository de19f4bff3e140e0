package dev.softalign.attack;

import java.util.Locale;
import java.util.SplittableRandom;

/** Which label a targeted attack steers toward: none (untargeted), one fixed class, or a random other class per sample. */
public final class Targeting {

    private static final Targeting NONE = new Targeting(-1, false);
    private static final Targeting RANDOM = new Targeting(-1, true);

    private final int fixedClass;
    private final boolean random;

    private Targeting(int fixedClass, boolean random) {
        this.fixedClass = fixedClass;
        this.random = random;
    }

    public static Targeting none() {
        return NONE;
    }

    /** Every sample toward class k (samples already labelled k are pushed to stay there). */
    public static Targeting fixed(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("--target-class must be >= 0, got " + k);
        }
        return new Targeting(k, false);
    }

    /** Each sample toward a class drawn uniformly among the classes other than its label. */
    public static Targeting random() {
        return RANDOM;
    }

    /** "random" or a class index. */
    public static Targeting parse(String s) {
        if (s.toLowerCase(Locale.ROOT).equals("random")) {
            return RANDOM;
        }
        try {
            return fixed(Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--target-class must be a class index or 'random', got '" + s + "'");
        }
    }

    public boolean targeted() {
        return this != NONE;
    }

    /** Target labels for the given true labels, or null when untargeted. */
    public int[] targets(int[] labels, int classes, SplittableRandom rng) {
        if (!targeted()) {
            return null;
        }
        if (!random && fixedClass >= classes) {
            throw new IllegalArgumentException("--target-class " + fixedClass + " outside [0, " + classes + ")");
        }
        int[] t = new int[labels.length];
        for (int j = 0; j < t.length; j++) {
            if (random) {
                int k = rng.nextInt(classes - 1);
                t[j] = k >= labels[j] ? k + 1 : k;
            } else {
                t[j] = fixedClass;
            }
        }
        return t;
    }

    @Override
    public String toString() {
        return !targeted() ? "untargeted" : random ? "random" : Integer.toString(fixedClass);
    }
}
