package dev.softalign.data;

import java.nio.file.Path;

/**
 * Makes a smaller copy of an IDX dataset: the first N training and first M test samples of
 * {@code <source>/} written as gzip IDX files with the standard names into {@code <target>/}.
 * Used to produce the bundled {@code datasets/fashion-mnist-small/} (see its README). Taking a
 * prefix keeps it deterministic and trivially reproducible; Fashion-MNIST's file order is
 * already well mixed over the classes.
 *
 * <pre>java -cp target/classes dev.softalign.data.IdxSubset SOURCE_DIR TARGET_DIR TRAIN_COUNT TEST_COUNT</pre>
 */
public final class IdxSubset {

    private IdxSubset() {
    }

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: IdxSubset SOURCE_DIR TARGET_DIR TRAIN_COUNT TEST_COUNT");
            System.exit(2);
        }
        try {
            Path source = Path.of(args[0]), target = Path.of(args[1]);
            Split full = Datasets.loadIdx(source.getFileName().toString(), source);
            write(full.train().first(Integer.parseInt(args[2])), target, Datasets.TRAIN_IMAGES, Datasets.TRAIN_LABELS);
            write(full.test().first(Integer.parseInt(args[3])), target, Datasets.TEST_IMAGES, Datasets.TEST_LABELS);
        } catch (DataException | NumberFormatException e) {
            System.err.println("IdxSubset: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void write(Dataset d, Path dir, String images, String labels) {
        Idx.write(d, dir.resolve(images + ".gz"), dir.resolve(labels + ".gz"), true);
        System.out.println("wrote " + d.size() + " samples to " + dir.resolve(images + ".gz") + " and " + labels + ".gz");
    }
}
