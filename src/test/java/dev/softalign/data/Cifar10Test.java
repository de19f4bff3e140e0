package dev.softalign.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Cifar10Test {

    @TempDir
    Path dir;

    /** Records whose label is (first+r) % 10 and whose pixel p is (first + r + p) % 256. */
    private static byte[] records(int count, int first) {
        byte[] b = new byte[count * 3073];
        for (int r = 0; r < count; r++) {
            b[r * 3073] = (byte) ((first + r) % 10);
            for (int p = 0; p < 3072; p++) {
                b[r * 3073 + 1 + p] = (byte) (first + r + p);
            }
        }
        return b;
    }

    @Test
    void readsRecordsChannelMajor() throws IOException {
        Path a = Files.write(dir.resolve("data_batch_1.bin"), records(2, 0));
        Path b = Files.write(dir.resolve("data_batch_2.bin"), records(1, 5));
        Dataset d = Cifar10.read("c", a, b);
        assertArrayEquals(new int[] {3, 32, 32}, d.shape());
        assertEquals(10, d.classes());
        assertArrayEquals(new int[] {0, 1, 5}, d.labels());
        // sample 1, pixel 0 (red, row 0, col 0) = byte 1; sample 2, green channel start (p=1024) = (5+1024)%256
        assertEquals(1 / 255.0, d.x()[3072], 0.0);
        assertEquals(((5 + 1024) % 256) / 255.0, d.x()[2 * 3072 + 1024], 0.0);
        assertEquals(255 / 255.0, d.x()[255], 0.0);
    }

    @Test
    void loadsDirectoryOfBatches() throws IOException {
        for (int k = 1; k <= 5; k++) {
            Files.write(dir.resolve("data_batch_" + k + ".bin"), records(2, k));
        }
        Files.write(dir.resolve("test_batch.bin"), records(3, 0));
        Split s = Cifar10.load(dir);
        assertEquals(10, s.train().size());
        assertEquals(3, s.test().size());
        assertArrayEquals(new int[] {1, 2, 2, 3, 3, 4, 4, 5, 5, 6}, s.train().labels());
    }

    @Test
    void truncatedRecordAndBadLabel() throws IOException {
        Path cut = Files.write(dir.resolve("cut.bin"), Arrays.copyOf(records(2, 0), 3073 + 100));
        DataException e = assertThrows(DataException.class, () -> Cifar10.read("c", cut));
        assertEquals(cut + ": truncated: 3173 bytes is not a whole number of 3073-byte records (1 records and 100 bytes)",
                e.getMessage());

        byte[] bad = records(3, 0);
        bad[2 * 3073] = 10;
        Path badLabel = Files.write(dir.resolve("bad.bin"), bad);
        e = assertThrows(DataException.class, () -> Cifar10.read("c", badLabel));
        assertEquals(badLabel + ": label 10 in record 2 outside [0, 10)", e.getMessage());

        Path empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        e = assertThrows(DataException.class, () -> Cifar10.read("c", empty));
        assertTrue(e.getMessage().startsWith(empty + ": truncated"));

        Files.write(dir.resolve("test_batch.bin"), records(1, 0));
        e = assertThrows(DataException.class, () -> Cifar10.load(dir));
        assertEquals(dir.resolve("data_batch_1.bin") + ": file not found", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void foundByTheLoaderUnderCifar10BatchesBin() throws IOException {
        Path batches = Files.createDirectories(dir.resolve("datasets/cifar10/cifar-10-batches-bin"));
        for (int k = 1; k <= 5; k++) {
            Files.write(batches.resolve("data_batch_" + k + ".bin"), records(1, k));
        }
        Files.write(batches.resolve("test_batch.bin"), records(1, 0));
        Split s = Datasets.load("cifar10", dir);
        assertEquals("cifar10/train", s.train().name());
        assertEquals(5, s.train().size());
        assertEquals(1, s.test().size());
    }
}
