package dev.softalign.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader (or a crash) sees either the old content or the new, never a
 * half-written file: a killed training run must not leave a truncated checkpoint behind.
 *
 * <p>The content goes to a hidden temporary file in the target's directory (same file system,
 * so the rename can be atomic), is fsynced, and is then renamed over the target.
 */
public final class AtomicFiles {

    private static final int BUFFER = 1 << 16;
    private static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) {
        write(target, out -> out.write(content));
    }

    public static void writeString(Path target, String content) {
        write(target, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Calls {@code writer} with a buffered stream to a temporary file and, if it returns
     * normally, moves the file into place. The stream is closed here; closing it in the callback
     * is harmless. If the callback throws, the target is untouched and the exception propagates
     * (an IOException wrapped in {@link IoFailure}).
     *
     * @throws IoFailure if the target is a directory or cannot be created or replaced
     */
    public static void write(Path target, IoConsumer<OutputStream> writer) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw new IoFailure(target + ": cannot write: is a directory");
        }
        Path dir = absolute.getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw IoFailure.of(target, "cannot create parent directory", e);
        }
        Path tmp = createTemp(target, dir, absolute.getFileName().toString());
        Faults.point();
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream buffered = new UnclosableStream(Channels.newOutputStream(channel));
                writer.accept(buffered);
                buffered.flush();
                channel.force(true);
            }
            Faults.point();
            copyPermissions(absolute, tmp);
            move(tmp, absolute);
            moved = true;
            Faults.point();
        } catch (IOException e) {
            throw IoFailure.of(target, "cannot write", e);
        } finally {
            if (!moved) {
                deleteQuietly(tmp);
            }
        }
        syncDirectory(dir);
    }

    /**
     * Renames {@code from} over {@code to} in one atomic step (both in one folder) and makes the
     * rename durable: a crash leaves either the old {@code to} or the new one.
     */
    public static void rename(Path from, Path to) {
        try {
            move(from, to);
        } catch (IOException e) {
            throw IoFailure.of(to, "cannot replace", e);
        }
        syncDirectory(to.toAbsolutePath().getParent());
        Faults.point();
    }

    /** Whether a file name is one of the temporary files {@link #write} makes (left by a crash). */
    public static boolean isTemporary(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
    }

    /** Deletes the temporary files a crash left directly in {@code dir}; nothing else. */
    public static void deleteTemporaries(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (isTemporary(f) && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw IoFailure.of(dir, "cannot clean up temporary files", e);
        }
    }

    /** Deletes a folder and everything in it (symbolic links are removed, not followed); absent is fine. */
    public static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IoFailure(dir + ": cannot delete: " + e.getMessage(), e);
        }
    }

    private static Path createTemp(Path target, Path dir, String name) {
        // Hidden and recognisably ours, but short enough for 255-byte name limits.
        String stem = "." + (name.length() > 100 ? name.substring(0, 100) : name) + ".";
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(stem + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
            try {
                // Not Files.createTempFile: its 0600 mode would leak into the final file.
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw IoFailure.of(target, "cannot create temporary file", e);
                }
            } catch (IOException e) {
                throw IoFailure.of(target, "cannot create temporary file", e);
            }
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Replacing a file should not change who may read it. Best effort: not all systems are POSIX. */
    private static void copyPermissions(Path from, Path to) {
        PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        PosixFileAttributeView dest = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        if (source == null || dest == null || !Files.isRegularFile(from)) {
            return;
        }
        try {
            dest.setPermissions(source.readAttributes().permissions());
        } catch (IOException | UnsupportedOperationException e) {
            // Keep the default permissions of a new file.
        }
    }

    /** Makes the rename itself durable. Linux allows fsync on a directory; elsewhere skip it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            // Durability of the directory entry is a bonus, not a correctness requirement.
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // A stray hidden .tmp file is the lesser evil than masking the original failure.
        }
    }

    /**
     * Buffers writes and ignores close, so a callback that wraps the stream in a Writer inside
     * try-with-resources cannot close the channel before it is fsynced.
     */
    private static final class UnclosableStream extends FilterOutputStream {

        private final byte[] buffer = new byte[BUFFER];
        private int count;

        UnclosableStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            if (count == buffer.length) {
                drain();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= buffer.length) {
                drain();
                Faults.reserve(len);
                out.write(b, off, len);
                Faults.point();
                return;
            }
            if (len > buffer.length - count) {
                drain();
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            drain();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        private void drain() throws IOException {
            if (count > 0) {
                Faults.reserve(count);
                out.write(buffer, 0, count);
                count = 0;
                Faults.point();
            }
        }
    }
}
