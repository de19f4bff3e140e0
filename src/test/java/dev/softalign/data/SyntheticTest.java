package dev.softalign.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticTest {

    private static void assertSame(Split a, Split b) {
        assertArrayEquals(a.train().x(), b.train().x(), 0.0);
        assertArrayEquals(a.train().labels(), b.train().labels());
        assertArrayEquals(a.test().x(), b.test().x(), 0.0);
        assertArrayEquals(a.test().labels(), b.test().labels());
    }

    private static int[] counts(Dataset d) {
        int[] c = new int[d.classes()];
        for (int y : d.labels()) {
            c[y]++;
        }
        return c;
    }

    private static void assertUnitRange(Dataset d) {
        for (double v : d.x()) {
            assertTrue(v >= 0 && v <= 1, "feature " + v + " outside [0,1]");
        }
    }

    @Test
    void blobsAreDeterministicBalancedAndInRange() {
        Split a = Synthetic.blobs(500, 6, 5, 0.2, 42);
        assertSame(a, Synthetic.blobs(500, 6, 5, 0.2, 42));
        assertFalse(Arrays.equals(a.train().x(), Synthetic.blobs(500, 6, 5, 0.2, 43).train().x()));
        assertEquals(400, a.train().size());
        assertEquals(100, a.test().size());
        assertArrayEquals(new int[] {6}, a.train().shape());
        assertEquals(5, a.train().classes());
        assertUnitRange(a.train());
        assertUnitRange(a.test());
        int[] all = counts(a.train());
        int[] test = counts(a.test());
        for (int k = 0; k < 5; k++) {
            assertEquals(100, all[k] + test[k], "class " + k + " has samples/classes examples");
            assertTrue(test[k] > 0);
        }
    }

    @Test
    void blobsWithoutSpreadSitOnTheirCenters() {
        Dataset d = Synthetic.blobs(40, 3, 2, 0.0, 7).train();
        // every sample of a class is the same point, and the two centers differ
        double[][] center = new double[2][];
        for (int i = 0; i < d.size(); i++) {
            double[] p = Arrays.copyOfRange(d.x(), i * 3, i * 3 + 3);
            int y = d.labels()[i];
            if (center[y] == null) {
                center[y] = p;
            }
            assertArrayEquals(center[y], p, 0.0);
            for (double v : p) {
                assertTrue(v >= 0.2 && v <= 0.8);
            }
        }
        assertFalse(Arrays.equals(center[0], center[1]));
    }

    @Test
    void teacherIsDeterministicAndUsesAllClasses() {
        Split a = Synthetic.teacher(2000, 10, 4, 16, 3);
        assertSame(a, Synthetic.teacher(2000, 10, 4, 16, 3));
        assertFalse(Arrays.equals(a.train().labels(), Synthetic.teacher(2000, 10, 4, 16, 4).train().labels()));
        assertEquals(1600, a.train().size());
        assertEquals(400, a.test().size());
        assertEquals("teacher/train", a.train().name());
        assertUnitRange(a.train());
        for (int c : counts(a.train())) {
            // calibrated output biases keep every class reasonably frequent (400 would be perfect balance)
            assertTrue(c > 100, "class counts " + Arrays.toString(counts(a.train())));
        }
    }

    @Test
    void rejectsNonsenseArguments() {
        assertThrows(IllegalArgumentException.class, () -> Synthetic.blobs(10, 2, 1, 0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.blobs(10, 2, 2, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.teacher(10, 2, 2, 0, 0));
    }
}
