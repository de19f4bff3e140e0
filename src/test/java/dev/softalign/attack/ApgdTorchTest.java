package dev.softalign.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.io.SafeTensors;
import dev.softalign.nn.ModelFile;
import dev.softalign.nn.Mlp;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * APGD against AutoAttack's own code: src/test/resources/fixtures/torch/make_apgd_fixture.py runs
 * autopgd_base.py's APGD-CE and APGD-T (float64, starts from integer noise both sides compute) on the
 * 16-12-10-4 tanh network and 200 samples of fixture.safetensors; apgd.safetensors holds its
 * adversarial inputs, per-sample losses and robust counts.
 */
class ApgdTorchTest {

    static final Path DIR = Path.of("src/test/resources/fixtures/torch");

    static SafeTensors.Contents torch;
    static Mlp net;
    static double[] x;
    static int[] y;

    @BeforeAll
    static void load() {
        SafeTensors.Contents fixture = SafeTensors.read(DIR.resolve("fixture.safetensors"));
        torch = SafeTensors.read(DIR.resolve("apgd.safetensors"));
        net = ModelFile.load(DIR.resolve("fixture.safetensors")).net();
        x = fixture.tensor("data.x").data();
        y = ints(fixture.tensor("data.labels").data());
    }

    static int[] ints(double[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    /** make_apgd_fixture.py's start_noise: 2 h / 65521 - 1 with h an integer hash of (salt, run, sample, feature). */
    static double noise(long salt, long r, long j, long i) {
        long h = (7919 * r + 104729 * j + 1299709 * i + 12345 * salt) % 65521;
        return (2.0 * h) / 65521 - 1;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce-linf", "t-linf", "ce-l2", "t-l2"})
    void matchesAutoAttack(String name) {
        Map<String, String> meta = torch.metadata();
        Norm norm = meta.get(name + ".norm").equals("linf") ? Norm.LINF : Norm.L2;
        double eps = Double.parseDouble(meta.get(name + ".eps"));
        int restarts = Integer.parseInt(meta.get(name + ".restarts"));
        int targets = Integer.parseInt(meta.get(name + ".target_classes"));
        long salt = Long.parseLong(meta.get(name + ".salt"));
        int steps = Integer.parseInt(meta.get("steps"));
        boolean ce = name.startsWith("ce");
        GradientSource source = GradientSource.trueGradient(net);
        Apgd apgd = new Apgd(source, norm, ce ? Apgd.Objective.CE : Apgd.Objective.DLR_TARGETED, steps, restarts,
                ce ? 1 : targets).startNoise((r, j, t) -> {
                    for (int i = 0; i < t.length; i++) {
                        t[i] = noise(salt, r, j, i);
                    }
                });
        double[] xa = apgd.perturb(x, y, null, eps, new SplittableRandom(1));

        // Samples where AutoAttack compared two losses an ulp apart (a converged iterate nudged by the
        // momentum term) are decided by rounding either way; every other sample must agree to rounding.
        int[] knife = ints(torch.tensor(name + ".knife_edge").data());
        double[] want = torch.tensor(name + ".adversarial").data();
        double[] losses = torch.tensor(name + ".loss").data();
        int[] last = ce ? null : ints(torch.tensor(name + ".last_target").data());
        int n = y.length;
        int f = net.inputSize();
        int classes = net.outputSize();
        double[] z = source.logits(xa, n);
        double[] dz = new double[z.length];
        double diff = 0;
        double lossDiff = 0;
        int compared = 0;
        int robust = 0;
        for (int j = 0; j < n; j++) {
            robust += Apgd.argmax(z, j * classes, classes) == y[j] ? 1 : 0;
            if (knife[j] != 0) {
                continue;
            }
            compared++;
            for (int i = j * f; i < (j + 1) * f; i++) {
                diff = Math.max(diff, Math.abs(want[i] - xa[i]));
            }
            double l = ce ? LogitLoss.CROSS_ENTROPY.valueAndGradient(z, j * classes, classes, y[j], -1, dz)
                    : last[j] < 0 ? 0 : LogitLoss.DLR_TARGETED.valueAndGradient(z, j * classes, classes, y[j], last[j], dz);
            lossDiff = Math.max(lossDiff, Math.abs(losses[j] - l) / Math.max(1, Math.abs(losses[j])));
        }
        assertTrue(compared >= n * 0.85, name + ": only " + compared + " samples free of knife edges");
        assertTrue(diff <= 1e-10, name + ": adversarial inputs differ by " + diff);
        assertTrue(lossDiff <= 1e-8, name + ": losses differ by " + lossDiff + " (relative)");
        assertEquals(Integer.parseInt(meta.get(name + ".robust_correct")), robust, name + ": robust correct");
        assertTrue(robust < n, "the attack must break some samples");
    }
}
