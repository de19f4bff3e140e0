package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A float32 network: its backpropagated gradient against central finite differences of its own
 * float32 loss (at float32's tolerance) and against the float64 gradient of the same values.
 */
class Float32GradientTest {

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return GradientCheckTest.cases();
    }

    private static Mlp network(Activation act, Loss loss, SplittableRandom rng) {
        Mlp net = Mlp.create(new int[] {6, 5, 4, 3}, act, loss, rng, MatMul.get(Dtype.F32));
        for (int i = 0; i < net.layerCount(); i++) {
            for (int k = 0; k < net.layer(i).bias.data.length; k++) {
                net.layer(i).bias.data[k] = 0.1 * rng.nextGaussian();
            }
        }
        return net.roundParameters();
    }

    private static double relativeError(double[] expected, double[] actual) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (expected[i] - actual[i]) * (expected[i] - actual[i]);
            norm += expected[i] * expected[i];
        }
        assertTrue(norm > 0, "gradient should not vanish");
        return Math.sqrt(diff / norm);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void parameterGradientMatchesFiniteDifferencesAtFloat32Tolerance(Activation act, Loss loss) {
        SplittableRandom rng = new SplittableRandom(7);
        Mlp net = network(act, loss, rng);
        assertEquals(Dtype.F32, net.dtype());
        int n = 7;
        double[] x = GradientCheckTest.randomInputs(n, 6, rng);
        int[] y = {0, 1, 2, 0, 1, 2, 1};
        Gradients g = new Gradients(net);
        net.gradient(x, y, g);
        double[] analytic = g.toFlat();
        for (double v : analytic) {
            assertEquals((float) v, v, 0.0, "a float32 network's gradient holds float32 values");
        }
        double[] p = net.parameters();
        double[] numeric = new double[p.length];
        // float32 loss differences carry about 1e-7 relative noise: a wider step than float64's 1e-5,
        // divided by the step the rounded parameters really took; ReLU's kinks need a shorter one.
        double h = act == Activation.RELU ? 2e-3 : 1e-2;
        for (int i = 0; i < p.length; i++) {
            double keep = p[i];
            p[i] = keep + h;
            net.setParameters(p);
            double plus = net.parameters()[i];
            double up = net.gradient(x, y, null);
            p[i] = keep - h;
            net.setParameters(p);
            double minus = net.parameters()[i];
            double down = net.gradient(x, y, null);
            p[i] = keep;
            numeric[i] = (up - down) / (plus - minus);
        }
        net.setParameters(p);
        double rel = relativeError(analytic, numeric);
        assertTrue(rel < 2e-4, act + "/" + loss + ": relative error " + rel);

        // The same float32 values in float64: the float32 gradient is that gradient to float32 precision.
        Mlp wide = net.copy().kernel(MatMul.get(Dtype.F64));
        Gradients g64 = new Gradients(wide);
        wide.gradient(x, y, g64);
        double rel64 = relativeError(g64.toFlat(), analytic);
        assertTrue(rel64 < 1e-5 && rel64 > 0, act + "/" + loss + ": float32 against float64 gradient, relative error " + rel64);
    }

    @ParameterizedTest
    @MethodSource("cases")
    void inputGradientMatchesFiniteDifferencesAtFloat32Tolerance(Activation act, Loss loss) {
        SplittableRandom rng = new SplittableRandom(11);
        Mlp net = network(act, loss, rng).normalize(new double[] {0.3}, new double[] {0.7});
        int n = 4;
        double[] x = GradientCheckTest.randomInputs(n, 6, rng);
        int[] y = {0, 1, 2, 1};
        Pass p = net.pass(n);
        net.load(p, x, y);
        net.forward(p);
        net.backward(p, BackwardPath.TRUE, null, true);
        double[] analytic = p.inputGradient().data.clone();
        double[] numeric = new double[x.length];
        double h = act == Activation.RELU ? 2e-3 : 1e-2;
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double up = net.gradient(x, y, null);
            x[i] = keep - h;
            double down = net.gradient(x, y, null);
            x[i] = keep;
            // The network rounds its normalised input to float32: the step it saw is what counts,
            // and it is about 2h; float32 rounding of x +- h shifts it by at most 1e-7 relative.
            numeric[i] = (up - down) / (2 * h);
        }
        double rel = relativeError(analytic, numeric);
        assertTrue(rel < 2e-3, act + "/" + loss + ": relative error " + rel);
    }
}
