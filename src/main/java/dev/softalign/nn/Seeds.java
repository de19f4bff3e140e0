package dev.softalign.nn;

import java.util.SplittableRandom;

/**
 * Independent random streams derived from one seed, so that each epoch's shuffle and each
 * purpose's draws can be recreated on resume without replaying earlier epochs.
 */
public final class Seeds {

    public static final int INIT = 0;
    public static final int SHUFFLE = 1;
    public static final int RULE = 2;

    private Seeds() {
    }

    public static SplittableRandom stream(long seed, int purpose, long index) {
        return new SplittableRandom(mix(mix(seed + 0x9E3779B97F4A7C15L * (purpose + 1)) + index));
    }

    /** SplitMix64's finaliser: nearby inputs give unrelated outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Fisher-Yates permutation of 0..n-1. */
    public static int[] permutation(int n, SplittableRandom rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
