package dev.softalign.bench;

import dev.softalign.analysis.Hessian;
import dev.softalign.attack.GradientSource;
import dev.softalign.attack.Norm;
import dev.softalign.attack.Pgd;
import dev.softalign.data.Dataset;
import dev.softalign.data.Split;
import dev.softalign.learn.Throughput;
import dev.softalign.learn.TrainConfig;
import dev.softalign.learn.Trainer;
import dev.softalign.nn.Dtype;
import dev.softalign.nn.MatMul;
import dev.softalign.nn.Mlp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One workload of {@code bench} at one precision, defined once for both sides: softalign measures
 * it here, the peer script ({@code bench/peer/torch_peer.py}) measures the workload of the same id
 * with the same shapes, data, step counts and timing rule.
 *
 * <ul>
 * <li>{@code train-<rule>-d<depth>}: samples/s of the training loop (no evaluation), BP or FA,
 * 784-256-...-10 with depth hidden layers, ReLU, cross-entropy, SGD with momentum 0.9, batch 128,
 * the whole training split less its last partial batch; best of the timed epochs after one
 * warm-up epoch.</li>
 * <li>{@code hvp-d2}: ms of one Hessian-vector product of the mean loss of a 784-256-256-10 network
 * over the first 1000 test samples; median after {@link #HVP_WARMUP} warm-up products.</li>
 * <li>{@code pgd20-linf-d2}: ms of PGD-20 under L-inf (eps 0.1, the default step 2.5 eps / 20, random
 * start, one restart) on the same network and samples; best after one warm-up run.</li>
 * </ul>
 *
 * @param dtype "f64" or "f32"
 */
public record Workload(String id, String dtype) {

    public static final List<String> IDS = List.of("train-bp-d2", "train-bp-d5", "train-fa-d2", "train-fa-d5", "hvp-d2",
            "pgd20-linf-d2");
    public static final List<String> DTYPES = List.of("f64", "f32");
    static final int WIDTH = 256;
    static final int BATCH = 128;
    static final int SUBSET = 1000;
    static final double PGD_EPS = 0.1;
    static final int PGD_STEPS = 20;
    /**
     * Hessian-vector products run before the timed ones (the peer's HVP_WARMUP too): softalign's JIT
     * compiles the R-operator passes over the first 8-9 products (20-28 ms each against 13.5-15
     * later, here), so after 3 the median of 10 still caught some of them (17-21 ms).
     */
    static final int HVP_WARMUP = 10;

    public Workload {
        if (!IDS.contains(id) || !DTYPES.contains(dtype)) {
            throw new IllegalArgumentException("unknown workload " + id + " " + dtype);
        }
    }

    /** Every workload at each of the given precisions, precision by precision. */
    public static List<Workload> all(List<String> dtypes) {
        List<Workload> all = new ArrayList<>();
        for (String d : dtypes) {
            for (String id : IDS) {
                all.add(new Workload(id, d));
            }
        }
        return all;
    }

    /** "train", "hvp" or "attack": the group of {@code bench --only}. */
    public String group() {
        return id.startsWith("train") ? "train" : id.startsWith("hvp") ? "hvp" : "attack";
    }

    /** "samples/s" (higher is better) or "ms" (lower is better). */
    public String unit() {
        return group().equals("train") ? "samples/s" : "ms";
    }

    public boolean higherIsBetter() {
        return group().equals("train");
    }

    /** A line of the bench table, e.g. "train BP, L=2, batch 128". */
    public String label() {
        String[] p = id.split("-");
        return switch (group()) {
            case "train" -> "train " + p[1].toUpperCase(Locale.ROOT) + ", L=" + p[2].substring(1) + ", batch " + BATCH;
            case "hvp" -> "Hessian-vector product, " + SUBSET + " samples, L=2";
            default -> "PGD-20 L-inf, " + SUBSET + " samples, L=2";
        };
    }

    /**
     * Whether softalign computes this workload at its precision: everything in float64 and float32
     * but the Hessian-vector product in float32, since softalign computes curvature in float64 by
     * design (a float32 network is widened exactly first), so it has no float32 figure to compare.
     */
    public boolean runsHere() {
        return dtype.equals("f64") || !group().equals("hvp");
    }

    private Dtype precision() {
        return Dtype.parse(dtype);
    }

    /**
     * Measures the workload on the data (the training split for training, the first 1000 test
     * samples otherwise); {@code rounds} timed rounds (epochs, runs), as in the peer.
     */
    public double measure(Split data, int rounds) {
        if (!runsHere()) {
            throw new IllegalStateException(id + " in " + dtype + " does not run in this build");
        }
        String[] p = id.split("-");
        if (group().equals("train")) {
            TrainConfig c = TrainConfig.defaults().rule(p[1]).depth(Integer.parseInt(p[2].substring(1))).width(WIDTH)
                    .batch(BATCH).dtype(precision().safetensors());
            return Throughput.samplesPerSecond(c, data.train(), rounds, MatMul.get(precision()));
        }
        Dataset subset = data.test().first(SUBSET);
        Mlp net = Trainer.initialize(TrainConfig.defaults().depth(2).width(WIDTH).dtype(precision().safetensors()),
                data.train(), MatMul.get(precision()));
        return group().equals("hvp") ? hvpMillis(net, subset, rounds >= 3 ? 10 : 3)
                : pgdMillis(net, subset, rounds >= 3 ? 4 : 2);
    }

    /** Median time of one Hessian-vector product over the subset, after warm-up products. */
    static double hvpMillis(Mlp net, Dataset subset, int reps) {
        Hessian h = Hessian.of(net, subset);
        double[] v = new double[h.dimension()];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        double[] out = new double[v.length];
        for (int i = 0; i < HVP_WARMUP; i++) {
            h.apply(v, out);
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long start = System.nanoTime();
            h.apply(v, out);
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    /** Best time of PGD-20 over the subset, after one warm-up run. */
    static double pgdMillis(Mlp net, Dataset subset, int reps) {
        Pgd pgd = new Pgd(GradientSource.trueGradient(net), Norm.LINF, Pgd.defaultAlpha(PGD_EPS, PGD_STEPS), PGD_STEPS,
                1, true);
        double best = Double.MAX_VALUE;
        for (int i = 0; i <= reps; i++) {
            long start = System.nanoTime();
            pgd.perturb(subset.x(), subset.labels(), null, PGD_EPS, new SplittableRandom(1));
            double ms = (System.nanoTime() - start) / 1e6;
            if (i > 0) {
                best = Math.min(best, ms);
            }
        }
        return best;
    }
}
