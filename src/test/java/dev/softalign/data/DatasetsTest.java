package dev.softalign.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {

    @TempDir
    Path root;

    /** The system root is a temporary folder here, so the outcome does not depend on what the machine has installed. */
    @Test
    void missingDatasetSaysHowToFetchIt() {
        Path local = root.resolve("datasets/fashion-mnist");
        Path system = root.resolve("system");
        DataException e = assertThrows(DataException.class, () -> Datasets.load("fashion-mnist", root, system));
        assertEquals("fashion-mnist not found in " + local + "/ or " + system + "/fashion-mnist/: run datasets/fetch fashion-mnist",
                e.getMessage());
        e = assertThrows(DataException.class, () -> Datasets.load("mnist", root, system));
        assertTrue(e.getMessage().endsWith(": run datasets/fetch mnist"), e.getMessage());
        e = assertThrows(DataException.class, () -> Datasets.load("cifar10", root, system));
        assertTrue(e.getMessage().startsWith("cifar10 not found in " + root.resolve("datasets/cifar10") + "/"), e.getMessage());
    }

    /** A dataset installed system-wide (as Debian's dataset packages do) is found when the project has none. */
    @Test
    void systemDatasetIsFoundWhenInstalled() {
        Path system = root.resolve("system");
        Path dir = system.resolve("fashion-mnist");
        Dataset one = new Dataset("t", new int[] {1, 1, 1}, 10, new double[] {0.5}, new int[] {7});
        Idx.write(one, dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), false);
        Idx.write(one, dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"), false);
        assertArrayEquals(new int[] {7}, Datasets.load("fashion-mnist", root, system).train().labels());
        // The project's own copy wins over the system one.
        Path local = root.resolve("datasets/fashion-mnist");
        Dataset other = new Dataset("t", new int[] {1, 1, 1}, 10, new double[] {0.25}, new int[] {2});
        Idx.write(other, local.resolve("train-images-idx3-ubyte"), local.resolve("train-labels-idx1-ubyte"), false);
        Idx.write(other, local.resolve("t10k-images-idx3-ubyte"), local.resolve("t10k-labels-idx1-ubyte"), false);
        assertArrayEquals(new int[] {2}, Datasets.load("fashion-mnist", root, system).train().labels());
    }

    @Test
    void systemRootFollowsItsProperty() {
        String old = System.getProperty(Datasets.SYSTEM_PROPERTY);
        try {
            System.clearProperty(Datasets.SYSTEM_PROPERTY);
            assertEquals(Path.of(Datasets.SYSTEM_DIR), Datasets.systemRoot());
            Path system = root.resolve("elsewhere");
            System.setProperty(Datasets.SYSTEM_PROPERTY, system.toString());
            assertEquals(system, Datasets.systemRoot());
            DataException e = assertThrows(DataException.class, () -> Datasets.load("mnist", root));
            assertTrue(e.getMessage().contains(" or " + system + "/mnist/"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty(Datasets.SYSTEM_PROPERTY);
            } else {
                System.setProperty(Datasets.SYSTEM_PROPERTY, old);
            }
        }
    }

    @Test
    void unknownNameListsValidNames() {
        DataException e = assertThrows(DataException.class, () -> Datasets.load("imagenet", root));
        assertEquals("unknown dataset 'imagenet': valid names are fashion-mnist-small, fashion-mnist, mnist, cifar10,"
                + " blobs, teacher (and bundled)", e.getMessage());
    }

    @Test
    void namesHaveDescriptions() {
        assertEquals(List.of("fashion-mnist-small", "fashion-mnist", "mnist", "cifar10", "blobs", "teacher"), Datasets.names());
        for (String n : Datasets.names()) {
            assertNotNull(Datasets.description(n));
        }
        assertEquals(Datasets.description("fashion-mnist-small"), Datasets.description("bundled"));
        assertEquals("fashion-mnist-small", Datasets.canonical("Bundled"));
    }

    @Test
    void loadsRawIdxFilesFromTheProjectRoot() throws IOException {
        Path dir = Files.createDirectories(root.resolve("datasets/mnist"));
        Dataset train = new Dataset("t", new int[] {1, 2, 2}, 10, new double[] {0, 1, 0, 1, 1, 0, 1, 0}, new int[] {3, 4});
        Idx.write(train, dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), false);
        Idx.write(train.first(1), dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"), true);
        Split s = Datasets.load("mnist", root);
        assertEquals("mnist/train", s.train().name());
        assertArrayEquals(new int[] {3, 4}, s.train().labels());
        assertArrayEquals(new int[] {3}, s.test().labels());

        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        DataException e = assertThrows(DataException.class, () -> Datasets.load("mnist", root));
        assertEquals(dir + "/t10k-labels-idx1-ubyte(.gz): file not found", e.getMessage());
    }

    @Test
    void syntheticNamesNeedNoFiles() {
        Split blobs = Datasets.load("blobs", root);
        assertEquals(2000, blobs.train().size());
        assertEquals(4, blobs.train().classes());
        Split teacher = Datasets.load("teacher", root);
        assertEquals(1000, teacher.test().size());
        assertEquals(10, teacher.test().classes());
    }

    @Test
    void defaultRootFollowsSoftalignHome() {
        Path dir = root.resolve("datasets/mnist");
        Dataset one = new Dataset("t", new int[] {1, 1, 1}, 10, new double[] {0.5}, new int[] {8});
        Idx.write(one, dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), false);
        Idx.write(one, dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"), false);
        String old = System.getProperty("softalign.home");
        try {
            System.setProperty("softalign.home", root.toString());
            assertEquals(root, Datasets.defaultRoot());
            assertArrayEquals(new int[] {8}, Datasets.load("mnist").train().labels());
            System.clearProperty("softalign.home");
            assertEquals(Path.of("."), Datasets.defaultRoot());
        } finally {
            if (old != null) {
                System.setProperty("softalign.home", old);
            }
        }
    }

    /** Maven runs tests in the project root, where the bundled subset is committed. */
    @Test
    void bundledDatasetLoads() {
        Split s = Datasets.load("bundled", Path.of("."));
        assertEquals(10_000, s.train().size());
        assertEquals(2_000, s.test().size());
        assertArrayEquals(new int[] {1, 28, 28}, s.train().shape());
        assertEquals(10, s.train().classes());
        for (Dataset d : List.of(s.train(), s.test())) {
            double min = 1, max = 0;
            for (double v : d.x()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            assertEquals(0.0, min, 0.0);
            assertEquals(1.0, max, 0.0);
            int[] counts = new int[10];
            for (int y : d.labels()) {
                counts[y]++;
            }
            for (int c : counts) {
                assertTrue(c >= d.size() / 20, "every class present");
            }
        }
    }
}
