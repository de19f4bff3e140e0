package dev.softalign.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

import dev.softalign.data.Dataset;

/** A batch loaded from a dataset of 8-bit pixels is the batch its doubles give, in every precision and cut. */
class DatasetLoadingTest {

    @Test
    void aDatasetOfPixelsLoadsTheBitsOfItsDoublesAndOfTheDefinition() {
        SplittableRandom rng = new SplittableRandom(3);
        int n = 300;
        int features = 3 * 7 * 5; // not a multiple of any vector length
        byte[] pixels = new byte[n * features];
        int[] labels = new int[n];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) rng.nextInt(256);
        }
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(4);
        }
        int[] shape = {3, 7, 5};
        Dataset coded = Dataset.ofPixels("p", shape, 4, pixels, labels);
        double[] x = new double[pixels.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (pixels[i] & 0xff) / 255.0;
        }
        Dataset doubles = new Dataset("d", shape, 4, x, labels);
        int[] order = Seeds.permutation(n, new SplittableRandom(5));
        int from = 30;
        int batch = 200; // enough for the load to be cut among two threads
        for (Dtype dtype : Dtype.values()) {
            for (int threads = 1; threads <= 2; threads++) {
                for (boolean normalized : new boolean[] {false, true}) {
                    Mlp net = Mlp.create(new int[] {features, 8, 4}, Activation.RELU, Loss.CROSS_ENTROPY,
                            new SplittableRandom(1), new VectorMatMul(threads, dtype));
                    if (normalized) {
                        net.normalize(new double[] {0.3}, new double[] {0.7});
                    }
                    String where = dtype + ", " + threads + " threads" + (normalized ? ", normalized" : "");
                    Pass fromPixels = net.newPass(batch);
                    net.load(fromPixels, coded, order, from);
                    Pass fromDoubles = net.newPass(batch);
                    net.load(fromDoubles, doubles, order, from);
                    assertArrayEquals(fromDoubles.activation(0).data, fromPixels.activation(0).data, 0.0, where);
                    assertArrayEquals(fromDoubles.labels(), fromPixels.labels(), where);
                    double[] in = fromPixels.activation(0).data;
                    for (int j = 0; j < batch; j += 37) {
                        int s = order[from + j];
                        assertEquals(labels[s], fromPixels.labels()[j], where);
                        for (int k = 0; k < features; k += 11) {
                            double v = (pixels[s * features + k] & 0xff) / 255.0;
                            v = normalized ? (v - net.inputMean()[0]) / net.inputStd()[0] : v; // as the model stores them
                            assertEquals(dtype == Dtype.F32 ? (float) v : v, in[j * features + k], 0.0, where);
                        }
                    }
                }
            }
        }
    }
}
