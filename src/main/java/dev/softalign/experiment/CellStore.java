package dev.softalign.experiment;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import dev.softalign.io.AtomicFiles;
import dev.softalign.io.FolderLock;
import dev.softalign.io.IoFailure;
import dev.softalign.io.Json;
import dev.softalign.learn.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The folder layout of an experiment's cells: cells/&lt;cell-id&gt;/ is a run folder like
 * {@code train --out} writes (config.json, metrics.csv, model.safetensors, optimizer.safetensors,
 * checkpoint.json, timing.csv, all written by the trainer's {@link RunFolder}) plus result.json, the cell's result, written last. A
 * cell counts as done only when its result.json is readable and names this build's
 * {@link CodeVersion}; one from other code is stale, never reused silently.
 */
public final class CellStore {

    /** The cell's result, beside the run files; its presence marks the cell done. */
    public static final String RESULT = "result.json";

    /** What a cell's folder holds. */
    public enum State { MISSING, DONE, STALE }

    private final Path dir;
    private final String code;

    /** The cells folder (e.g. reports/depth/cells) of results computed by the given code version. */
    public CellStore(Path dir, String code) {
        this.dir = dir;
        this.code = code;
    }

    public Path dir() {
        return dir;
    }

    public String code() {
        return code;
    }

    /** The run folder of a cell: open its model with {@code hessian --model <folder>/model.safetensors}. */
    public Path folder(Cell cell) {
        return dir.resolve(cell.id());
    }

    /**
     * The stored result of a cell with its measurement read as the given record, or null if there
     * is none (or it is unreadable: then the cell is recomputed).
     */
    public <M> CellResult<M> read(Cell cell, Class<M> measurement) {
        return read(folder(cell).resolve(RESULT), measurement);
    }

    /** A result file's content, or null if it is missing or unreadable. */
    public static <M> CellResult<M> read(Path file, Class<M> measurement) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            CellResult<M> r = Json.PRETTY.fromJson(Files.readString(file), CellResult.type(measurement));
            return r == null || r.config == null || r.history == null ? null : r;
        } catch (IOException | JsonParseException ex) {
            return null;
        }
    }

    /** A result file read without knowing its experiment: the measurement as plain JSON. */
    public static CellResult<JsonElement> read(Path file) {
        return read(file, JsonElement.class);
    }

    /** Whether a stored result (null: none) can be reused by this build. */
    public State state(CellResult<?> stored) {
        return stored == null ? State.MISSING : code.equals(stored.code) ? State.DONE : State.STALE;
    }

    /**
     * Makes way for computing a cell: removes its result first, so that a crash while the cell is
     * recomputed leaves no result beside half-replaced run files (the trainer overwrites those).
     */
    public Path begin(Cell cell) {
        Path folder = folder(cell);
        try {
            Files.createDirectories(folder);
            Files.deleteIfExists(folder.resolve(RESULT));
        } catch (IOException e) {
            throw new IoFailure(folder + ": cannot prepare the cell's folder: " + e.getMessage(), e);
        }
        return folder;
    }

    /**
     * Stores run files computed elsewhere (a Spark executor), each atomically, under the folder's
     * lock like the trainer's own writes; checkpoint.json, which names the others, goes last.
     */
    public void put(Cell cell, Map<String, byte[]> files) {
        Path folder = folder(cell);
        try (FolderLock lock = FolderLock.acquire(folder)) {
            for (var f : files.entrySet()) {
                if (!f.getKey().equals(RunFolder.MANIFEST)) {
                    AtomicFiles.write(folder.resolve(f.getKey()), f.getValue());
                }
            }
            if (files.containsKey(RunFolder.MANIFEST)) {
                AtomicFiles.write(folder.resolve(RunFolder.MANIFEST), files.get(RunFolder.MANIFEST));
            }
        }
    }

    /** Marks a cell done: writes its result (atomically) after its run files are in place. */
    public void finish(Cell cell, CellResult<?> result) {
        Json.write(folder(cell).resolve(RESULT), result);
    }

    /** The files of a run folder (not its result), by name: what an executor sends back to the driver. */
    public static Map<String, byte[]> files(Path folder) {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String name = p.getFileName().toString();
                if (!name.startsWith(".") && !name.equals(RESULT)) {
                    out.put(name, Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new IoFailure(folder + ": cannot read the cell's run files: " + e.getMessage(), e);
        }
        return out;
    }
}
