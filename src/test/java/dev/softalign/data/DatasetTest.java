package dev.softalign.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatasetTest {

    /** 5 samples of 2 x 3 pixels covering 0, 255 and bytes that are negative as Java bytes. */
    private static final byte[] PIXELS = new byte[30];
    private static final int[] LABELS = {0, 2, 1, 2, 0};

    static {
        for (int i = 0; i < PIXELS.length; i++) {
            PIXELS[i] = (byte) (i * 37 % 256);
        }
        PIXELS[0] = 0;
        PIXELS[29] = (byte) 255;
    }

    private static Dataset pixels() {
        return Dataset.ofPixels("p", new int[] {1, 2, 3}, 3, PIXELS, LABELS);
    }

    /** The same data as doubles, decoded here by the definition. */
    private static Dataset doubles() {
        double[] x = new double[PIXELS.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (PIXELS[i] & 0xff) / 255.0;
        }
        return new Dataset("d", new int[] {1, 2, 3}, 3, x, LABELS);
    }

    @Test
    void pixelsReadAsTheirDoubleTwinByEveryAccessor() {
        Dataset p = pixels();
        Dataset d = doubles();
        assertEquals(6, p.features());
        assertEquals(5, p.size());
        assertArrayEquals(d.x(), p.x());
        assertEquals(1.0, p.x()[29]);
        assertEquals(37 / 255.0, p.x()[1]);
        assertEquals((byte) 148, PIXELS[4]); // negative as a byte, 148 as a pixel
        assertEquals(148 / 255.0, p.x()[4]);
        assertArrayEquals(d.samples(1, 4), p.samples(1, 4));
        assertEquals(0, p.samples(2, 2).length);
        double[] a = new double[8];
        double[] b = new double[8];
        p.copySample(3, a, 1);
        d.copySample(3, b, 1);
        assertArrayEquals(b, a);
        assertEquals(0.0, a[0]);
        assertEquals(0.0, a[7]);
    }

    @Test
    void slicesAndNamesKeepTheFormAndTheValues() {
        Dataset s = pixels().slice(1, 4);
        assertArrayEquals(doubles().slice(1, 4).x(), s.x());
        assertArrayEquals(new int[] {2, 1, 2}, s.labels());
        assertEquals(18, s.pixels().length);
        Dataset named = pixels().named("q");
        assertEquals("q", named.name());
        assertSame(PIXELS, named.pixels());
        assertNull(doubles().pixels());
        assertEquals(2, pixels().first(2).size());
        assertEquals(5, pixels().first(99).size());
        assertThrows(IllegalArgumentException.class, () -> pixels().slice(3, 6));
    }

    @Test
    void theWholeArrayOfAPixelDatasetIsMadeOnce() {
        Dataset p = pixels();
        assertSame(p.x(), p.x());
    }

    @Test
    void aWrongLengthOrLabelIsRefusedWithTheDatasetsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofPixels("p", new int[] {1, 2, 3}, 3, new byte[29], LABELS));
        assertEquals("p: 29 feature values do not fill 5 samples of shape [1, 2, 3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofPixels("p", new int[] {1, 2, 3}, 2, PIXELS, LABELS));
        assertEquals("p: label 2 outside [0, 2)", e.getMessage());
    }
}
