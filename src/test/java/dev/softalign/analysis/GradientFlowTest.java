package dev.softalign.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.learn.DirectFeedbackAlignment;
import dev.softalign.learn.Rule;
import dev.softalign.nn.Activation;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.Layer;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import dev.softalign.nn.Pass;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gradient-flow measures against explicit dense products and invariants. */
class GradientFlowTest {

    static double get(org.ojalgo.matrix.store.R064Store m, int r, int c) {
        return m.data[r + c * m.getRowDim()];
    }

    /** J_l by plain loops: explicit forward pass, then M_l^T diag(f'(a_l)) ... M_{L-1}^T. */
    static double[][][] explicitJacobians(Mlp net, boolean feedback, double[] x) {
        int layers = net.layerCount();
        double[][] a = new double[layers][];
        double[] h = x.clone();
        for (int l = 0; l < layers; l++) {
            Layer layer = net.layer(l);
            a[l] = new double[layer.out()];
            for (int r = 0; r < layer.out(); r++) {
                double s = layer.bias.data[r];
                for (int c = 0; c < layer.in(); c++) {
                    s += get(layer.weight, r, c) * h[c];
                }
                a[l][r] = s;
            }
            h = Arrays.stream(a[l]).map(v -> net.activation().apply(v)).toArray();
        }
        int classes = net.outputSize();
        double[][][] j = new double[layers][][];
        for (int l = layers - 1; l >= 0; l--) {
            Layer layer = net.layer(l);
            var m = feedback ? layer.feedback : layer.weight;
            // below = D_l J_{l+1} (out_l x classes), identity for the output layer.
            double[][] below = new double[layer.out()][classes];
            for (int r = 0; r < layer.out(); r++) {
                for (int k = 0; k < classes; k++) {
                    below[r][k] = l == layers - 1 ? (r == k ? 1 : 0)
                            : net.activation().derivative(a[l][r]) * j[l + 1][r][k];
                }
            }
            j[l] = new double[layer.in()][classes];
            for (int c = 0; c < layer.in(); c++) {
                for (int k = 0; k < classes; k++) {
                    double s = 0;
                    for (int r = 0; r < layer.out(); r++) {
                        s += get(m, r, c) * below[r][k];
                    }
                    j[l][c][k] = s;
                }
            }
        }
        return j;
    }

    static Mlp faNet(Activation act, long seed) {
        Mlp net = HessianTest.smallNet(act, Loss.CROSS_ENTROPY, new int[] {5, 4, 4, 3}, seed);
        Rule.parse("fa", 1.0).initialize(net, new SplittableRandom(seed + 1));
        return net;
    }

    @Test
    void jacobianEqualsTheExplicitDenseProduct() {
        for (Activation act : new Activation[] {Activation.TANH, Activation.RELU, Activation.SIGMOID}) {
            Mlp net = faNet(act, 31);
            double[] x = {0.1, 0.9, 0.4, 0.3, 0.7};
            for (boolean feedback : new boolean[] {false, true}) {
                double[][][] got = GradientFlow.jacobian(net, feedback ? BackwardPath.FEEDBACK : BackwardPath.TRUE, x);
                double[][][] want = explicitJacobians(net, feedback, x);
                for (int l = 0; l < net.layerCount(); l++) {
                    for (int r = 0; r < want[l].length; r++) {
                        assertArrayEquals(want[l][r], got[l][r], 1e-13, act + " layer " + l);
                    }
                }
            }
        }
    }

    @Test
    void trueJacobianTimesTheOutputErrorIsTheInputGradient() {
        Mlp net = faNet(Activation.TANH, 33);
        double[] x = {0.2, 0.5, 0.8, 0.1, 0.6};
        Pass p = net.pass(1);
        net.load(p, x, new int[] {2});
        net.forward(p);
        double[] e = p.delta(net.layerCount() - 1).data.clone();
        net.backward(p, BackwardPath.TRUE, null, true);
        double[][] j0 = GradientFlow.jacobian(net, BackwardPath.TRUE, x)[0];
        for (int c = 0; c < x.length; c++) {
            double s = 0;
            for (int k = 0; k < e.length; k++) {
                s += j0[c][k] * e[k];
            }
            assertEquals(p.inputGradient().data[c], s, 1e-14);
        }
    }

    @Test
    void summarySingularValuesAreTheMeanOverSamplesOfTheExplicitOnes() {
        Mlp net = faNet(Activation.TANH, 35);
        Dataset d = HessianTest.data(8, 5, 3, 36);
        GradientFlow.Summary s = GradientFlow.of(net, BackwardPath.FEEDBACK, d, 6);
        assertEquals(6, s.jacobianSamples());
        for (boolean feedback : new boolean[] {false, true}) {
            GradientFlow.JacobianSpectrum[] spec = feedback ? s.jacobianRule() : s.jacobianTrue();
            for (int l = 0; l < net.layerCount(); l++) {
                double[] sum = null;
                double[] sq = null;
                for (int j = 0; j < 6; j++) {
                    double[] x = Arrays.copyOfRange(d.x(), j * 5, j * 5 + 5);
                    double[] sv = GradientFlow.singularValues(explicitJacobians(net, feedback, x)[l]);
                    if (sum == null) {
                        sum = new double[sv.length];
                        sq = new double[sv.length];
                    }
                    for (int k = 0; k < sv.length; k++) {
                        sum[k] += sv[k];
                        sq[k] += sv[k] * sv[k];
                    }
                }
                for (int k = 0; k < sum.length; k++) {
                    double mean = sum[k] / 6;
                    assertEquals(mean, spec[l].mean()[k], 1e-12);
                    assertEquals(Math.sqrt(Math.max(0, sq[k] / 6 - mean * mean)), spec[l].std()[k], 1e-7);
                }
                assertEquals(spec[l].mean()[0] / spec[l].mean()[sum.length - 1], spec[l].condition(), 1e-9);
            }
        }
    }

    @Test
    void backpropHasCosineOneAndIdenticalPaths() {
        Mlp net = HessianTest.smallNet(Activation.RELU, Loss.CROSS_ENTROPY, new int[] {5, 4, 4, 3}, 37);
        Dataset d = HessianTest.data(10, 5, 3, 38);
        GradientFlow.Summary s = GradientFlow.of(net, Rule.parse("bp", 1).path(), d);
        for (int l = 0; l < net.layerCount(); l++) {
            assertEquals(1, s.cosine()[l], 1e-12);
            assertEquals(s.trueGradNorm()[l], s.ruleUpdateNorm()[l], 0.0);
            assertEquals(s.deltaNormTrue()[l], s.deltaNormRule()[l], 0.0);
            assertTrue(s.trueGradNorm()[l] > 0);
        }
        // FA with B = W exactly is backprop too.
        Mlp sym = faNet(Activation.TANH, 39);
        for (int l = 0; l < sym.layerCount(); l++) {
            System.arraycopy(sym.layer(l).weight.data, 0, sym.layer(l).feedback.data, 0, sym.layer(l).weight.data.length);
        }
        GradientFlow.Summary f = GradientFlow.of(sym, BackwardPath.FEEDBACK, d);
        for (int l = 0; l < sym.layerCount(); l++) {
            assertEquals(1, f.cosine()[l], 1e-12);
            assertEquals(0, f.anglesDegrees()[l], 1e-6);
            assertArrayEquals(f.jacobianTrue()[l].mean(), f.jacobianRule()[l].mean(), 1e-12);
        }
    }

    @Test
    void feedbackAlignmentDiffersBelowTheOutputLayer() {
        Mlp net = faNet(Activation.TANH, 41);
        Dataset d = HessianTest.data(10, 5, 3, 42);
        GradientFlow.Summary s = GradientFlow.of(net, BackwardPath.FEEDBACK, d);
        int last = net.layerCount() - 1;
        // The output layer's update is the true gradient under every rule.
        assertEquals(1, s.cosine()[last], 1e-12);
        assertEquals(s.deltaNormTrue()[last], s.deltaNormRule()[last], 0.0);
        assertTrue(s.cosine()[0] < 0.999, "cos " + s.cosine()[0]);
        assertEquals(GradientFlow.missing(net.layerCount()).keySet(), s.metrics().keySet());
    }

    @Test
    void directFeedbackJacobianIsTheFeedbackTransposed() {
        Mlp net = HessianTest.smallNet(Activation.RELU, Loss.CROSS_ENTROPY, new int[] {5, 4, 4, 3}, 43);
        Rule.parse("dfa", 1.0).initialize(net, new SplittableRandom(44));
        double[][][] j = GradientFlow.jacobian(net, DirectFeedbackAlignment.PATH, new double[] {0.1, 0.2, 0.3, 0.4, 0.5});
        for (int l = 0; l < net.layerCount(); l++) {
            var b = net.layer(l).feedback;
            for (int c = 0; c < b.getColDim(); c++) {
                for (int k = 0; k < b.getRowDim(); k++) {
                    assertEquals(get(b, k, c), j[l][c][k], 0.0);
                }
            }
        }
        GradientFlow.Summary s = GradientFlow.of(net, DirectFeedbackAlignment.PATH, HessianTest.data(6, 5, 3, 45));
        assertTrue(Double.isNaN(s.anglesDegrees()[0]) || s.anglesDegrees().length == 3);
    }
}
