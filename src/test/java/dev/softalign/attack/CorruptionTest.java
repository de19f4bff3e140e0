package dev.softalign.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Activation;
import dev.softalign.nn.Loss;
import dev.softalign.nn.Mlp;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CorruptionTest {

    static final int[] IMAGE = {1, 28, 28};

    static double[] grey(int n, int f) {
        double[] x = new double[n * f];
        Arrays.fill(x, 0.5);
        return x;
    }

    @Test
    void gaussianNoiseHasTheSeverityStd() {
        double[] x = grey(20, 784);
        double[] y = Corruption.GAUSSIAN_NOISE.apply(x, IMAGE, 1, new SplittableRandom(1));
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (y[i] - x[i]) * (y[i] - x[i]);
        }
        // At 0.5 +- 0.08 clipping is 6 sd away: the empirical std is the parameter.
        assertEquals(0.08, Math.sqrt(s / x.length), 0.002);
    }

    @Test
    void saltAndPepperReplacesTheSeverityFractionWithZerosAndOnes() {
        double[] x = grey(20, 784);
        double[] y = Corruption.SALT_AND_PEPPER.apply(x, IMAGE, 4, new SplittableRandom(2));
        int changed = 0;
        int salt = 0;
        for (int i = 0; i < x.length; i++) {
            if (y[i] != 0.5) {
                changed++;
                assertTrue(y[i] == 0 || y[i] == 1);
                salt += y[i] == 1 ? 1 : 0;
            }
        }
        assertEquals(0.17, (double) changed / x.length, 0.01);
        assertEquals(0.5, (double) salt / changed, 0.05);
    }

    @Test
    void blurSpreadsAnImpulseAsTheGaussianKernelPerChannelAndKeepsConstants() {
        int[] shape = {2, 9, 11};
        double[] x = new double[2 * 99];
        x[4 * 11 + 5] = 1; // impulse in channel 0 at (4, 5); channel 1 stays black
        double[] y = Corruption.GAUSSIAN_BLUR.apply(x, shape, 5, new SplittableRandom(3));
        double sigma = 1.0;
        double norm = 0;
        for (int t = -4; t <= 4; t++) {
            norm += Math.exp(-0.5 * t * t / (sigma * sigma));
        }
        for (int r = 0; r < 9; r++) {
            for (int c = 0; c < 11; c++) {
                double dr = r - 4;
                double dc = c - 5;
                boolean inKernel = Math.abs(dr) <= 4 && Math.abs(dc) <= 4; // truncated at 4 sigma
                double expected = inKernel ? Math.exp(-0.5 * (dr * dr + dc * dc)) / (norm * norm) : 0;
                // Near the border the truncated kernel clamps indices; (4,5) is 4 from the top and bottom, so exact.
                assertEquals(expected, y[r * 11 + c], 1e-15, r + "," + c);
                assertEquals(0.0, y[99 + r * 11 + c], 0.0, "channels must not mix");
            }
        }
        double[] flat = new double[2 * 99];
        Arrays.fill(flat, 0.3);
        assertArrayEquals(flat, Corruption.GAUSSIAN_BLUR.apply(flat, shape, 3, new SplittableRandom(3)), 1e-15);
        assertFalse(Corruption.GAUSSIAN_BLUR.appliesTo(new int[] {10}));
        assertThrows(IllegalArgumentException.class,
                () -> Corruption.GAUSSIAN_BLUR.apply(new double[10], new int[] {10}, 1, new SplittableRandom(1)));
    }

    @Test
    void contrastScalesDeviationsFromTheImageMean() {
        SplittableRandom rng = new SplittableRandom(4);
        double[] x = new double[2 * 16];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble();
        }
        double[] y = Corruption.CONTRAST.apply(x, new int[] {4, 4}, 2, rng);
        for (int j = 0; j < 2; j++) {
            double m = 0;
            for (int i = 0; i < 16; i++) {
                m += x[j * 16 + i] / 16;
            }
            for (int i = 0; i < 16; i++) {
                assertEquals(m + 0.5 * (x[j * 16 + i] - m), y[j * 16 + i], 1e-15);
            }
        }
    }

    @Test
    void everyCorruptionStaysInTheBoxAndIsSeeded() {
        SplittableRandom rng = new SplittableRandom(5);
        double[] x = new double[3 * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble() < 0.3 ? 0 : rng.nextDouble();
        }
        Dataset d = new Dataset("t", IMAGE, 10, x, new int[] {1, 2, 3});
        for (Corruption c : Corruption.values()) {
            for (int s = 1; s <= 5; s++) {
                double[] y = Corruptions.corrupt(d, c, s, 9).x();
                for (double v : y) {
                    assertTrue(v >= 0 && v <= 1, c + " " + s + ": " + v);
                }
                assertArrayEquals(y, Corruptions.corrupt(d, c, s, 9).x(), 0.0);
                assertFalse(Arrays.equals(x, y), c + " " + s + " changed nothing");
            }
        }
        assertNotEquals(Arrays.toString(Corruptions.corrupt(d, Corruption.GAUSSIAN_NOISE, 1, 9).x()),
                Arrays.toString(Corruptions.corrupt(d, Corruption.GAUSSIAN_NOISE, 1, 10).x()));
        assertThrows(IllegalArgumentException.class, () -> Corruption.CONTRAST.parameter(6));
    }

    @Test
    void reportHasOneRowPerSeverityAndSkipsBlurOnVectors() {
        SplittableRandom rng = new SplittableRandom(6);
        Mlp net = Mlp.create(new int[] {12, 3}, Activation.RELU, Loss.CROSS_ENTROPY, rng);
        double[] x = new double[40 * 12];
        int[] y = new int[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble();
        }
        for (int j = 0; j < 40; j++) {
            y[j] = j % 3;
        }
        Corruptions.Report r = Corruptions.evaluate(net, new Dataset("v", new int[] {12}, 3, x, y),
                List.of(Corruption.values()), 1);
        assertEquals(15, r.rows().size());
        assertEquals(List.of("gaussian-blur"), r.skipped());
        assertEquals(r, Corruptions.evaluate(net, new Dataset("v", new int[] {12}, 3, x, y), List.of(Corruption.values()), 1));
        Corruptions.Report image = Corruptions.evaluate(net, new Dataset("i", new int[] {3, 4}, 3, x, y),
                List.of(Corruption.values()), 1);
        assertEquals(20, image.rows().size());
        assertEquals(3, image.rows().get(7).severity());
        assertEquals(0.09, image.rows().get(7).parameter());
    }
}
