package dev.softalign.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader for the CIFAR-10 binary version: each file is a sequence of 3073-byte records, one
 * label byte followed by 3072 pixel bytes in channel-major order (1024 red, 1024 green, 1024
 * blue, each row-major 32x32). That is exactly the sample-major layout of {@link Dataset} with
 * shape {3, 32, 32}, so records are copied without reordering.
 */
public final class Cifar10 {

    public static final int CLASSES = 10;
    public static final int[] SHAPE = {3, 32, 32};
    static final int PIXELS = 3 * 32 * 32;
    static final int RECORD = 1 + PIXELS;

    public static final List<String> TRAIN_FILES =
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";

    private Cifar10() {
    }

    /**
     * Reads the five training batches and the test batch from a directory (the unpacked
     * {@code cifar-10-batches-bin/}).
     */
    public static Split load(Path dir) {
        List<Path> train = new ArrayList<>();
        for (String f : TRAIN_FILES) {
            train.add(dir.resolve(f));
        }
        return new Split(read("cifar10/train", train.toArray(Path[]::new)),
                read("cifar10/test", dir.resolve(TEST_FILE)));
    }

    /** Whether a directory holds the CIFAR-10 binary batches. */
    static boolean isBatchDir(Path dir) {
        return Files.isRegularFile(dir.resolve(TEST_FILE)) || Files.isRegularFile(dir.resolve(TRAIN_FILES.get(0)));
    }

    /** Reads and concatenates batch files (raw or gzip) in the order given. */
    public static Dataset read(String name, Path... files) {
        List<byte[]> contents = new ArrayList<>();
        long samples = 0;
        for (Path f : files) {
            byte[] b = Idx.bytes(f);
            if (b.length == 0) {
                throw new DataException(f + ": truncated: empty file, expected 3073-byte records");
            }
            if (b.length % RECORD != 0) {
                throw new DataException(f + ": truncated: " + b.length + " bytes is not a whole number of "
                        + RECORD + "-byte records (" + b.length / RECORD + " records and " + b.length % RECORD + " bytes)");
            }
            contents.add(b);
            samples += b.length / RECORD;
        }
        if (samples * PIXELS > Integer.MAX_VALUE - 16) {
            throw new DataException(name + ": " + samples + " records are too many to hold in one array");
        }
        byte[] x = new byte[(int) (samples * PIXELS)];
        int[] y = new int[(int) samples];
        int i = 0;
        for (int k = 0; k < files.length; k++) {
            byte[] b = contents.get(k);
            for (int r = 0; r < b.length / RECORD; r++, i++) {
                int label = b[r * RECORD] & 0xff;
                if (label >= CLASSES) {
                    throw new DataException(files[k] + ": label " + label + " in record " + r + " outside [0, " + CLASSES + ")");
                }
                y[i] = label;
                System.arraycopy(b, r * RECORD + 1, x, i * PIXELS, PIXELS);
            }
        }
        return Dataset.ofPixels(name, SHAPE.clone(), CLASSES, x, y);
    }
}
