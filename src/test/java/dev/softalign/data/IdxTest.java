package dev.softalign.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    /** 3 images of 2x4 whose pixel bytes are 0, 1, ..., 23 scaled by 10 (so 0..230), labels 7, 0, 9. */
    private static Dataset tiny() {
        double[] x = new double[3 * 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (10 * i) / 255.0;
        }
        return new Dataset("tiny", new int[] {1, 2, 4}, 10, x, new int[] {7, 0, 9});
    }

    private static byte[] imagesFile(int magic, int n, int rows, int cols, int pixelBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixelBytes);
        b.putInt(magic).putInt(n).putInt(rows).putInt(cols);
        for (int i = 0; i < pixelBytes; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    private static byte[] labelsFile(int magic, int n, int labelBytes) {
        ByteBuffer b = ByteBuffer.allocate(8 + labelBytes);
        b.putInt(magic).putInt(n);
        for (int i = 0; i < labelBytes; i++) {
            b.put((byte) (i % 10));
        }
        return b.array();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /** Reading must fail with a one-line message that names the file and contains the given text. */
    private static void assertFails(Path named, String expected, Runnable read) {
        DataException e = assertThrows(DataException.class, read::run);
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
        assertTrue(m.startsWith(named.toString() + ": "), "names the file: " + m);
        assertTrue(m.contains(expected), "says what is wrong (" + expected + "): " + m);
    }

    @Test
    void roundTripRaw() {
        Dataset d = tiny();
        Path img = dir.resolve("img"), lab = dir.resolve("lab");
        Idx.write(d, img, lab, false);
        Dataset r = Idx.read("r", img, lab, 10);
        assertArrayEquals(new int[] {1, 2, 4}, r.shape());
        assertArrayEquals(d.x(), r.x(), 0.0);
        assertArrayEquals(new int[] {7, 0, 9}, r.labels());
        assertEquals(230 / 255.0, r.x()[23], 0.0);
        // A dataset of pixels writes its bytes: the same file as its doubles, quantised, gave.
        Path img2 = dir.resolve("img2"), lab2 = dir.resolve("lab2");
        Idx.write(Idx.read("r", img, lab, 10), img2, lab2, false);
        try {
            assertArrayEquals(Files.readAllBytes(img), Files.readAllBytes(img2));
            assertArrayEquals(Files.readAllBytes(lab), Files.readAllBytes(lab2));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void roundTripGzipDetectedByMagicNotName() throws IOException {
        Dataset d = tiny();
        // gzip content under names without .gz ...
        Path img = dir.resolve("images-idx3-ubyte"), lab = dir.resolve("labels-idx1-ubyte");
        Idx.write(d, img, lab, true);
        byte[] head = Files.readAllBytes(img);
        assertEquals(0x1f, head[0] & 0xff);
        assertEquals(0x8b, head[1] & 0xff);
        assertArrayEquals(d.x(), Idx.read("r", img, lab, 10).x(), 0.0);
        // ... and raw content under names ending in .gz
        Path rawImg = dir.resolve("raw-images.gz"), rawLab = dir.resolve("raw-labels.gz");
        Idx.write(d, rawImg, rawLab, false);
        Dataset r = Idx.read("r", rawImg, rawLab, 10);
        assertArrayEquals(d.x(), r.x(), 0.0);
        assertArrayEquals(d.labels(), r.labels());
    }

    @Test
    void hand_written_bytes_decode_to_value_over_255() throws IOException {
        Path img = file("i", imagesFile(0x803, 2, 1, 2, 4));
        Path lab = file("l", labelsFile(0x801, 2, 2));
        Dataset r = Idx.read("r", img, lab, 10);
        assertArrayEquals(new double[] {0, 1 / 255.0, 2 / 255.0, 3 / 255.0}, r.x(), 0.0);
        assertArrayEquals(new int[] {0, 1}, r.labels());
    }

    @Test
    void truncatedPixelsNameTheFileAndCounts() throws IOException {
        Path img = file("train-images-idx3-ubyte.gz", gzip(imagesFile(0x803, 60000, 28, 28, 1000)));
        Path lab = file("l", labelsFile(0x801, 60000, 60000));
        DataException e = assertThrows(DataException.class, () -> Idx.read("r", img, lab, 10));
        assertEquals(img + ": truncated: expected 47040000 pixel bytes, found 1000", e.getMessage());
    }

    @Test
    void badMagic() throws IOException {
        Path img = file("i", imagesFile(0x801, 1, 1, 1, 1));
        Path lab = file("l", labelsFile(0x801, 1, 1));
        assertFails(img, "bad magic 0x00000801, expected 0x00000803", () -> Idx.read("r", img, lab, 10));
        Path img2 = file("i2", imagesFile(0x803, 1, 1, 1, 1));
        Path lab2 = file("l2", labelsFile(0x803, 1, 1));
        assertFails(lab2, "bad magic 0x00000803, expected 0x00000801", () -> Idx.read("r", img2, lab2, 10));
    }

    @Test
    void wrongDims() throws IOException {
        Path lab = file("l", labelsFile(0x801, 1, 1));
        Path zero = file("zero", imagesFile(0x803, 1, 0, 28, 0));
        assertFails(zero, "wrong dims: 1 x 0 x 28", () -> Idx.read("r", zero, lab, 10));
        Path negative = file("neg", imagesFile(0x803, -5, 28, 28, 0));
        assertFails(negative, "wrong dims", () -> Idx.read("r", negative, lab, 10));
        Path huge = file("huge", imagesFile(0x803, 100000, 100000, 100000, 0));
        assertFails(huge, "wrong dims", () -> Idx.read("r", huge, lab, 10));
    }

    @Test
    void shortHeaderAndTrailingBytes() throws IOException {
        Path lab = file("l", labelsFile(0x801, 1, 1));
        Path tiny = file("tiny", new byte[] {0, 0});
        assertFails(tiny, "truncated", () -> Idx.read("r", tiny, lab, 10));
        Path header = file("header", Arrays.copyOf(imagesFile(0x803, 1, 1, 1, 0), 10));
        assertFails(header, "truncated: expected a 16-byte header, found 10 bytes", () -> Idx.read("r", header, lab, 10));
        Path img = file("i", imagesFile(0x803, 1, 1, 1, 1));
        Path shortLab = file("shortlab", labelsFile(0x801, 1, 0));
        assertFails(shortLab, "truncated: expected 1 label bytes, found 0", () -> Idx.read("r", img, shortLab, 10));
        Path longImg = file("long", imagesFile(0x803, 1, 1, 1, 3));
        assertFails(longImg, "2 trailing bytes", () -> Idx.read("r", longImg, lab, 10));
    }

    @Test
    void countMismatch() throws IOException {
        Path img = file("i", imagesFile(0x803, 2, 1, 1, 2));
        Path lab = file("l", labelsFile(0x801, 3, 3));
        DataException e = assertThrows(DataException.class, () -> Idx.read("r", img, lab, 10));
        assertEquals(img + ": 2 images but " + lab + " has 3 labels", e.getMessage());
    }

    @Test
    void labelOutOfRange() throws IOException {
        Path img = file("i", imagesFile(0x803, 2, 1, 1, 2));
        Path lab = file("l", labelsFile(0x801, 2, 2));
        assertFails(lab, "label 1 at index 1 outside [0, 1)", () -> Idx.read("r", img, lab, 1));
    }

    @Test
    void truncatedGzipAndMissingFile() throws IOException {
        byte[] gz = gzip(imagesFile(0x803, 4, 2, 2, 16));
        Path cut = file("cut.gz", Arrays.copyOf(gz, gz.length - 12));
        Path lab = file("l", labelsFile(0x801, 4, 4));
        assertFails(cut, "truncated gzip stream", () -> Idx.read("r", cut, lab, 10));
        Path missing = dir.resolve("missing");
        assertFails(missing, "file not found", () -> Idx.read("r", missing, lab, 10));
    }

    @Test
    void emptyFilesAreRefused() throws IOException {
        Path img = file("empty-img", imagesFile(Idx.IMAGES_MAGIC, 0, 28, 28, 0));
        Path lab = file("empty-lab", labelsFile(Idx.LABELS_MAGIC, 0, 0));
        DataException e = assertThrows(DataException.class, () -> Idx.read("e", img, lab, 10));
        assertEquals(img + ": holds no images (the header declares 0)", e.getMessage());
    }

    @Test
    void aSmallGzipDeclaringAHugeCountFailsAsTruncatedHavingTakenAboutWhatItHolds() throws IOException {
        // 2.7 million 28x28 images declare 2.1 GB of pixels; the gzip holds the header and 1000 of them.
        int n = (Integer.MAX_VALUE - 16) / 784;
        Path img = file("huge.gz", gzip(imagesFile(Idx.IMAGES_MAGIC, n, 28, 28, 1000)));
        Path lab = file("huge-lab", labelsFile(Idx.LABELS_MAGIC, n, 0));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        DataException e = assertThrows(DataException.class, () -> Idx.read("h", img, lab, 10));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(img + ": truncated: expected " + (long) n * 784 + " pixel bytes, found 1000", e.getMessage());
        assertTrue(allocated < 200e6, "allocated " + allocated + " bytes for a file of 1000 pixels");
    }
}
