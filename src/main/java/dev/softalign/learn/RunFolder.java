package dev.softalign.learn;

import dev.softalign.io.AtomicFiles;
import dev.softalign.io.Faults;
import dev.softalign.io.FolderLock;
import dev.softalign.io.FormatException;
import dev.softalign.io.IoFailure;
import dev.softalign.io.Json;
import dev.softalign.io.SafeTensors;
import dev.softalign.io.Tensor;
import dev.softalign.nn.ModelFile;
import dev.softalign.nn.Mlp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of one training run, written so that a crash at any instant loses at most the epoch
 * in progress, and one writer at a time.
 *
 * <p>A checkpoint is one atomic step. Each epoch's files (config.json, metrics.csv,
 * model.safetensors, optimizer.safetensors) are first written whole into a hidden staging folder
 * {@code .checkpoint-<epoch>}; then {@code checkpoint.json}, naming the epoch and each file's
 * SHA-256, replaces the previous one by an atomic rename: that rename is the commit. Only then are
 * the staged files renamed to the top of the run folder, where users and other commands read them.
 * A crash before the commit leaves the previous epoch's files and manifest untouched; a crash
 * after it is completed by {@link #open}, which moves the remaining staged files into place. Either
 * way the next open finds one consistent epoch and removes staging folders and temporary files that
 * no manifest names. timing.csv (wall-clock times, never the same twice) is written after the
 * commit and is not part of it.
 *
 * <p>{@link #open} takes an operating-system lock on the folder ({@link FolderLock}), held until
 * {@link #close}: a second writer is refused with a message naming the holder, and a killed
 * holder's lock is released by the system, never blocking the next run.
 */
public final class RunFolder implements AutoCloseable {

    /** The manifest whose atomic replacement commits an epoch. */
    public static final String MANIFEST = "checkpoint.json";
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.csv";
    public static final String MODEL = "model.safetensors";
    public static final String OPTIMIZER = "optimizer.safetensors";
    public static final String TIMING = "timing.csv";
    /** The files of one checkpoint, in the order they are installed. */
    static final List<String> FILES = List.of(CONFIG, METRICS, MODEL, OPTIMIZER);
    static final String STAGING = ".checkpoint-";
    /** Tensor-name prefix in optimizer.safetensors of the float64 weights kept when the model is saved as f32. */
    static final String EXACT = "model/";
    private static final String FORMAT = "softalign-checkpoint-1";

    record Checkpoint(Mlp net, Map<String, double[]> optimizerState, long optimizerSteps, List<EpochMetrics> history) {
    }

    /** What checkpoint.json holds. */
    private static final class Manifest {
        String format;
        int epoch;
        Map<String, String> sha256;
    }

    private final Path dir;
    private final FolderLock lock;
    private final boolean created;
    private boolean committed;

    private RunFolder(Path dir, FolderLock lock, boolean created) {
        this.dir = dir;
        this.lock = lock;
        this.created = created;
    }

    /**
     * Locks the folder (creating it if needed) and brings it to its last committed epoch: an epoch
     * committed but not yet installed is installed, and everything a crash left half-made is removed.
     *
     * @throws IoFailure if the folder cannot be created or locked, or another process writes to it
     */
    public static RunFolder open(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IoFailure(dir + ": exists and is not a folder");
        }
        boolean created = !Files.exists(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw IoFailure.of(dir, "cannot create the run folder", e);
        }
        FolderLock lock = FolderLock.acquire(dir);
        RunFolder f = new RunFolder(dir, lock, created);
        try {
            f.recover();
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        return f;
    }

    /** The epoch the folder's checkpoint.json names, or null if it has none (or cannot be read). */
    public static Integer committedEpoch(Path dir) {
        try {
            return Files.exists(dir.resolve(MANIFEST)) ? Json.read(dir.resolve(MANIFEST), Manifest.class).epoch : null;
        } catch (IoFailure e) {
            return null;
        }
    }

    public Path dir() {
        return dir;
    }

    public Path modelFile() {
        return dir.resolve(MODEL);
    }

    /**
     * Whether the folder holds a run: a committed checkpoint, or the files of a run written
     * before checkpoints had a manifest.
     */
    public boolean hasRun() {
        return Files.exists(dir.resolve(MANIFEST)) || FILES.stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    /**
     * Releases the lock. What a failed save left is removed (a committed epoch stays), and a folder
     * this open created but never committed to is removed again, so a failed first save blocks
     * nothing.
     */
    @Override
    public void close() {
        boolean empty = false;
        try {
            if (!committed) {
                recover();
                empty = created && !hasRun();
            }
        } catch (IoFailure e) {
            // Best effort: the next open recovers again.
        } finally {
            lock.close();
        }
        if (empty) {
            try {
                Files.deleteIfExists(dir.resolve(FolderLock.FILE));
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // Not empty (someone put a file there) or already gone: leave it.
            }
        }
    }

    /**
     * Installs the staged files of a committed epoch (those whose SHA-256 the manifest names: a
     * staged file that does not match was never committed) and deletes every staging folder and
     * temporary file.
     */
    private void recover() {
        AtomicFiles.deleteTemporaries(dir);
        Manifest m = manifest();
        for (Path stage : stagingFolders()) {
            if (m != null) {
                for (String name : FILES) {
                    Path staged = stage.resolve(name);
                    if (Files.isRegularFile(staged) && m.sha256.get(name).equals(sha256(staged))) {
                        AtomicFiles.rename(staged, dir.resolve(name));
                    }
                }
            }
            AtomicFiles.deleteTree(stage);
        }
        // A kill between an epoch's commit and its timing.csv: the times of that run are lost, but
        // every run folder holds the file, so write it with the times still known (none).
        if (m != null && !Files.exists(dir.resolve(TIMING))) {
            AtomicFiles.writeString(dir.resolve(TIMING), timingCsv(List.of(), null));
        }
    }

    private List<Path> stagingFolders() {
        try (var list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().startsWith(STAGING) && Files.isDirectory(p)).sorted().toList();
        } catch (IOException e) {
            throw IoFailure.of(dir, "cannot list", e);
        }
    }

    /** The manifest, or null if the folder has none. */
    private Manifest manifest() {
        Path file = dir.resolve(MANIFEST);
        if (!Files.exists(file)) {
            return null;
        }
        Manifest m = Json.read(file, Manifest.class);
        if (!FORMAT.equals(m.format) || m.sha256 == null || m.epoch < 0 || !m.sha256.keySet().containsAll(FILES)) {
            throw new FormatException(file, "not a softalign checkpoint manifest (expected format " + FORMAT
                    + " naming " + String.join(", ", FILES) + ")");
        }
        return m;
    }

    /** Moves every staged file of the epoch just committed to the top of the run folder (each rename atomic). */
    private void install(Path stage) {
        for (String name : FILES) {
            Path staged = stage.resolve(name);
            if (Files.exists(staged)) {
                AtomicFiles.rename(staged, dir.resolve(name));
            }
        }
    }

    static Map<String, String> metadata(TrainConfig c, int epoch) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rule", c.rule);
        m.put("align", c.align == null ? "none" : Double.toString(c.align));
        m.put("align_from", c.alignFrom);
        m.put("feedback_scale", Double.toString(c.feedbackScale));
        m.put("dataset", c.dataset);
        m.put("seed", Long.toString(c.seed));
        m.put("epoch", Integer.toString(epoch));
        return m;
    }

    /** Commits the last epoch of history as the folder's checkpoint (see the class comment). */
    void save(TrainConfig c, Mlp net, Optimizer opt, List<EpochMetrics> history) {
        int epoch = history.get(history.size() - 1).epoch();
        Path stage = dir.resolve(STAGING + epoch);
        Manifest m = new Manifest();
        m.format = FORMAT;
        m.epoch = epoch;
        m.sha256 = new LinkedHashMap<>();
        try {
            AtomicFiles.deleteTree(stage);
            Files.createDirectory(stage);
            Faults.point();
            Json.write(stage.resolve(CONFIG), c);
            AtomicFiles.writeString(stage.resolve(METRICS), metricsCsv(history));
            ModelFile.save(net, metadata(c, epoch), stage.resolve(MODEL), c.modelFileDtype());
            Map<String, Tensor> state = new LinkedHashMap<>();
            opt.state().forEach((k, v) -> state.put(k, Tensor.vector(v)));
            if (!c.modelFileDtype().equals(c.precision().safetensors())) {
                // A float64 run's model file is rounded; resuming from it would not continue the run
                // exactly. (A float32 run's F32 file holds its values exactly.)
                ModelFile.tensors(net).forEach((k, v) -> state.put(EXACT + k, v));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("epoch", Integer.toString(epoch));
            meta.put("steps", Long.toString(opt.steps()));
            SafeTensors.write(stage.resolve(OPTIMIZER), state, meta, SafeTensors.F64);
            for (String f : FILES) {
                m.sha256.put(f, sha256(stage.resolve(f)));
            }
            Json.write(dir.resolve(MANIFEST), m);
        } catch (IOException e) {
            AtomicFiles.deleteTree(stage);
            throw IoFailure.of(stage, "cannot create", e);
        } catch (RuntimeException e) {
            try {
                AtomicFiles.deleteTree(stage);
            } catch (IoFailure again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        committed = true;
        install(stage);
        AtomicFiles.deleteTree(stage);
        Faults.point();
        AtomicFiles.writeString(dir.resolve(TIMING), timingCsv(history, c));
    }

    /**
     * The last committed epoch, checked: the options equal the saved run's except a larger
     * --epochs (not with a cosine schedule, whose rates depend on it), every file matches the
     * manifest, and no weight or optimizer value is NaN or infinite.
     */
    Checkpoint load(TrainConfig requested) {
        TrainConfig saved = Json.read(dir.resolve(CONFIG), TrainConfig.class);
        String differs = TrainConfig.firstDifference(saved, requested.copy().epochs(saved.epochs));
        if (differs != null) {
            throw new IllegalArgumentException(dir + ": --resume needs the options of the saved run (only --epochs may "
                    + "change): " + differs);
        }
        Manifest m = manifest();
        if (m != null) {
            for (String f : FILES) {
                if (!m.sha256.get(f).equals(sha256(dir.resolve(f)))) {
                    throw new FormatException(dir.resolve(f), "does not match " + MANIFEST + " (epoch " + m.epoch
                            + "): the file was changed or damaged after it was saved");
                }
            }
        }
        ModelFile.Saved model = ModelFile.load(modelFile());
        int epoch = intMetadata(modelFile(), model.metadata(), "epoch", 0);
        if (m != null && m.epoch != epoch) {
            throw new FormatException(modelFile(), "is from epoch " + epoch + " but " + MANIFEST + " names epoch " + m.epoch);
        }
        if (requested.epochs < epoch) {
            throw new IllegalArgumentException("--epochs " + requested.epochs + " is less than the " + epoch
                    + " epochs " + dir + " has completed; --resume continues a run, it cannot shorten it");
        }
        if (requested.epochs != saved.epochs && !Schedule.CONSTANT.id().equals(saved.schedule)) {
            throw new IllegalArgumentException("--epochs " + requested.epochs + " differs from the saved run's "
                    + saved.epochs + ", but with --schedule " + saved.schedule + " every epoch's learning rate depends on "
                    + "--epochs: resume with --epochs " + saved.epochs + ", or start a new run");
        }
        Path optFile = dir.resolve(OPTIMIZER);
        SafeTensors.Contents opt = SafeTensors.read(optFile);
        int optEpoch = intMetadata(optFile, opt.metadata(), "epoch", -1);
        if (optEpoch != epoch) {
            throw new FormatException(optFile, "optimizer state is from epoch " + optEpoch + " but the model is from epoch " + epoch);
        }
        long steps = longMetadata(optFile, opt.metadata(), "steps");
        Map<String, double[]> state = new LinkedHashMap<>();
        Map<String, Tensor> exact = new LinkedHashMap<>();
        opt.tensors().forEach((k, v) -> {
            ModelFile.requireFinite(optFile, k, v);
            if (k.startsWith(EXACT)) {
                exact.put(k.substring(EXACT.length()), v);
            } else {
                state.put(k, v.data());
            }
        });
        Mlp net = exact.isEmpty() ? model.net() : ModelFile.of(optFile, exact, model.metadata()).net();
        List<EpochMetrics> history = readMetrics(dir.resolve(METRICS), epoch, readTiming(dir.resolve(TIMING)));
        return new Checkpoint(net, state, steps, history);
    }

    static int intMetadata(Path file, Map<String, String> meta, String key, int absent) {
        long v = meta.containsKey(key) ? longMetadata(file, meta, key) : absent;
        if (v > Integer.MAX_VALUE) {
            throw new FormatException(file, "metadata '" + key + "' is " + v + ", too large");
        }
        return (int) v;
    }

    static long longMetadata(Path file, Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new FormatException(file, "metadata has no '" + key + "'");
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Reported below.
        }
        throw new FormatException(file, "metadata '" + key + "' is \"" + v + "\", not a count (a whole number >= 0)");
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                d.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchFileException e) {
            throw new FormatException(file, "missing from the run folder");
        } catch (IOException e) {
            throw IoFailure.of(file, "cannot read", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static String metricsCsv(List<EpochMetrics> history) {
        StringBuilder s = new StringBuilder("epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy");
        int layers = history.get(0).anglesDegrees().length;
        for (int i = 0; i < layers; i++) {
            s.append(",angle_").append(i);
        }
        for (String k : history.get(history.size() - 1).extra().keySet()) {
            s.append(',').append(k);
        }
        s.append('\n');
        for (EpochMetrics m : history) {
            s.append(m.epoch()).append(',').append(m.lr()).append(',').append(m.trainLoss()).append(',')
                    .append(m.trainAccuracy()).append(',').append(m.testLoss()).append(',').append(m.testAccuracy());
            for (double a : m.anglesDegrees()) {
                s.append(',').append(a);
            }
            for (String k : history.get(history.size() - 1).extra().keySet()) {
                s.append(',').append(m.extra().getOrDefault(k, Double.NaN));
            }
            s.append('\n');
        }
        return s.toString();
    }

    static String timingCsv(List<EpochMetrics> history, TrainConfig c) {
        StringBuilder s = new StringBuilder("epoch,seconds\n");
        for (EpochMetrics m : history) {
            s.append(m.epoch()).append(',').append(String.format(Locale.ROOT, "%.3f", m.seconds())).append('\n');
        }
        return s.toString();
    }

    /** Seconds per epoch from timing.csv; empty if it is missing or unreadable (it is informative only). */
    static Map<Integer, Double> readTiming(Path file) {
        Map<Integer, Double> seconds = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] v = line.split(",");
                if (v.length == 2 && !v[0].equals("epoch")) {
                    seconds.put(Integer.parseInt(v[0]), Double.parseDouble(v[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Map.of();
        }
        return seconds;
    }

    /** Rows of metrics.csv up to and including the given epoch, with their seconds from timing. */
    static List<EpochMetrics> readMetrics(Path file, int upToEpoch, Map<Integer, Double> timing) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw IoFailure.of(file, "cannot read", e);
        }
        if (lines.isEmpty()) {
            throw new FormatException(file, "empty");
        }
        String[] head = lines.get(0).split(",");
        List<EpochMetrics> out = new ArrayList<>();
        for (int r = 1; r < lines.size(); r++) {
            String[] v = lines.get(r).split(",");
            if (v.length != head.length) {
                throw new FormatException(file, "line " + (r + 1) + " has " + v.length + " fields, expected " + head.length);
            }
            double epochValue = number(file, r, head[0], v[0]);
            int epoch = (int) epochValue;
            if (epoch != epochValue) {
                throw new FormatException(file, "line " + (r + 1) + ": epoch '" + v[0] + "' is not a whole number");
            }
            if (epoch > upToEpoch) {
                break;
            }
            List<Double> angles = new ArrayList<>();
            Map<String, Double> extra = new LinkedHashMap<>();
            for (int k = 6; k < v.length; k++) {
                if (head[k].startsWith("angle_")) {
                    angles.add(number(file, r, head[k], v[k]));
                } else {
                    extra.put(head[k], number(file, r, head[k], v[k]));
                }
            }
            out.add(new EpochMetrics(epoch, number(file, r, head[1], v[1]), number(file, r, head[2], v[2]),
                    number(file, r, head[3], v[3]), number(file, r, head[4], v[4]), number(file, r, head[5], v[5]),
                    angles.stream().mapToDouble(Double::doubleValue).toArray(), timing.getOrDefault(epoch, 0.0), extra));
        }
        if (out.isEmpty() || out.get(out.size() - 1).epoch() != upToEpoch) {
            throw new FormatException(file, "has no row for epoch " + upToEpoch + ", the model's epoch");
        }
        return out;
    }

    private static double number(Path file, int row, String column, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new FormatException(file, "line " + (row + 1) + ", column " + column + ": '" + value + "' is not a number");
        }
    }
}
