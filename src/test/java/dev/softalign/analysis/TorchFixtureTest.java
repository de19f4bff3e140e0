package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.attack.GradientSource;
import dev.softalign.attack.Norm;
import dev.softalign.attack.Pgd;
import dev.softalign.data.Dataset;
import dev.softalign.io.SafeTensors;
import dev.softalign.nn.ModelFile;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Vectors;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * softalign against PyTorch on one committed model: src/test/resources/fixtures/torch holds a
 * 16-12-10-4 tanh network, its 200 samples and what PyTorch (float64, autograd) computes for
 * them; make_fixture.py there made it and its README says how to rerun it.
 */
class TorchFixtureTest {

    static final Path FIXTURE = Path.of("src/test/resources/fixtures/torch/fixture.safetensors");

    static SafeTensors.Contents torch;
    static Mlp net;
    static Dataset data;
    static Hessian hessian;

    @BeforeAll
    static void load() {
        torch = SafeTensors.read(FIXTURE);
        net = ModelFile.load(FIXTURE).net();
        double[] labels = torch.tensor("data.labels").data();
        int[] y = new int[labels.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (int) labels[i];
        }
        data = new Dataset("torch-fixture", new int[] {net.inputSize()}, net.outputSize(), torch.tensor("data.x").data(), y);
        hessian = Hessian.of(net, data);
    }

    static double[] expected(String name) {
        return torch.tensor(name).data();
    }

    static void assertRelative(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            diff = Math.max(diff, Math.abs(want[i] - got[i]));
        }
        double scale = Double.MIN_NORMAL;
        for (double w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        assertTrue(diff <= tol * scale, what + ": max difference " + diff + " against scale " + scale);
    }

    @Test
    void lossAndGradientMatchAutograd() {
        assertEquals(200, data.size());
        assertEquals(expected("loss")[0], hessian.loss(), 1e-12 * expected("loss")[0]);
        assertRelative(expected("gradient"), hessian.gradient(), 1e-10, "gradient");
    }

    @Test
    void hessianVectorProductMatchesDoubleBackward() {
        assertRelative(expected("hvp.hv"), hessian.times(expected("hvp.v")), 1e-10, "H v");
    }

    @Test
    void eigenvaluesMatchTorchEigvalsh() {
        double[] want = expected("eigenvalues");
        double[] dense = Dense.eigen(Dense.matrix(hessian)).values();
        for (int k = 0; k < want.length; k++) {
            assertEquals(want[k], dense[k], 1e-10 * Math.abs(want[0]), "dense eigenvalue " + k);
        }
        Lanczos.Result r = Lanczos.create().top(5).bottom(2).tol(1e-9).run(hessian);
        for (int k = 0; k < 5; k++) {
            assertEquals(want[k], r.top()[k], 1e-10 * Math.abs(want[k]), "Lanczos top eigenvalue " + k);
        }
        for (int k = 0; k < 2; k++) {
            double w = want[want.length - 1 - k];
            assertEquals(w, r.bottom()[k], 1e-10 * Math.abs(want[0]), "Lanczos bottom eigenvalue " + k);
        }
    }

    /**
     * The trace convention: PyHessian's (and our) Hutchinson averages r^T H r over Rademacher r,
     * whose expectation is the exact trace; each quadratic form matches PyTorch's exactly, and the
     * average over s draws stays within 5 standard deviations sqrt(Var/s) of the trace.
     */
    @Test
    void traceConventionsMatch() {
        double exact = expected("trace.exact")[0];
        double[][] dense = Dense.matrix(hessian);
        double trace = 0;
        for (int i = 0; i < dense.length; i++) {
            trace += dense[i][i];
        }
        assertEquals(exact, trace, 1e-10 * Math.abs(exact), "exact trace");
        double[] r = expected("trace.rademacher");
        double[] q = expected("trace.quadratic_forms");
        int n = hessian.dimension();
        double[] forms = new double[q.length];
        for (int k = 0; k < q.length; k++) {
            double[] v = java.util.Arrays.copyOfRange(r, k * n, (k + 1) * n);
            forms[k] = Vectors.dot(v, hessian.times(v));
        }
        assertRelative(q, forms, 1e-10, "r^T H r");
        Hutchinson.Trace t = Hutchinson.create().target(1e-9).minSamples(400).maxSamples(400).seed(7).run(hessian);
        double sd = Math.sqrt(expected("trace.term_variance")[0] / t.samples());
        assertTrue(Math.abs(t.mean() - exact) <= 5 * sd, "Hutchinson " + t + " against the exact trace " + exact
                + " (sd " + sd + ")");
        assertEquals(sd, t.stderr(), 0.25 * sd, "the estimator's own standard error");
    }

    @Test
    void pgd20RobustAccuracyMatchesExactly() {
        Map<String, String> meta = torch.metadata();
        double eps = Double.parseDouble(meta.get("pgd.eps"));
        double alpha = Double.parseDouble(meta.get("pgd.alpha"));
        int steps = Integer.parseInt(meta.get("pgd.steps"));
        GradientSource source = GradientSource.trueGradient(net);
        Pgd pgd = new Pgd(source, Norm.LINF, alpha, steps, 1, false);
        double[] xa = pgd.perturb(data.x(), data.labels(), null, eps, new SplittableRandom(1));
        assertArrayEquals(expected("pgd.adversarial"), xa, 1e-12, "adversarial inputs");
        int[] clean = new int[data.size()];
        int[] adv = new int[data.size()];
        source.predict(data.x(), clean);
        source.predict(xa, adv);
        int cleanCorrect = 0;
        int robustCorrect = 0;
        for (int j = 0; j < data.size(); j++) {
            cleanCorrect += clean[j] == data.labels()[j] ? 1 : 0;
            robustCorrect += adv[j] == data.labels()[j] ? 1 : 0;
        }
        assertEquals(Integer.parseInt(meta.get("pgd.clean_correct")), cleanCorrect, "clean correct");
        assertEquals(Integer.parseInt(meta.get("pgd.robust_correct")), robustCorrect, "PGD-20 robust correct");
        assertTrue(robustCorrect < cleanCorrect, "the attack must break some samples");
    }
}
