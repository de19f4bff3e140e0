package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The flat layout: layer by layer, the weight column-major, then the bias. */
class ParameterLayoutTest {

    @Test
    void offsetsFollowWeightsThenBiasLayerByLayer() {
        Mlp net = Mlp.create(new int[] {3, 4, 2}, Activation.TANH, Loss.CROSS_ENTROPY, new SplittableRandom(1));
        ParameterLayout l = net.layout();
        assertEquals(3 * 4 + 4 + 4 * 2 + 2, l.size());
        assertEquals(0, l.weightOffset(0));
        assertEquals(12, l.biasOffset(0));
        assertEquals(16, l.weightOffset(1));
        assertEquals(24, l.biasOffset(1));
        assertEquals(10, l.layerSize(1));
        double[] p = net.parameters();
        // Weight (r, c) of layer 1 is column-major: offset + r + c * out.
        assertEquals(get(net.layer(1).weight, 1, 2), p[16 + 1 + 2 * 2]);
        assertEquals(net.layer(0).bias.data[3], p[12 + 3]);
    }

    @Test
    void gatherScatterAndAccumulateAgree() {
        Mlp net = Mlp.create(new int[] {5, 3, 3}, Activation.RELU, Loss.CROSS_ENTROPY, new SplittableRandom(2));
        double[] p = net.parameters();
        double[] q = p.clone();
        for (int i = 0; i < q.length; i++) {
            q[i] = i;
        }
        net.setParameters(q);
        assertArrayEquals(q, net.parameters());
        Gradients g = new Gradients(net);
        net.layout().scatter(q, g.weight, g.bias);
        assertArrayEquals(q, g.toFlat());
        double[] acc = p.clone();
        g.addTo(acc, 0.5);
        for (int i = 0; i < acc.length; i++) {
            assertEquals(p[i] + 0.5 * i, acc[i], 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> net.setParameters(new double[3]));
    }

    static double get(org.ojalgo.matrix.store.R064Store m, int r, int c) {
        return m.data[r + c * m.getRowDim()];
    }
}
