package dev.softalign.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One writer at a time in a folder: an operating-system lock on {@code <folder>/.lock}. The
 * system releases the lock when its holder dies, however it dies, so a killed run never blocks
 * the next one (a pid file would). The file stays behind and names its last holder (pid, host,
 * start time), which is what a refused second writer is told.
 */
public final class FolderLock implements AutoCloseable {

    public static final String FILE = ".lock";

    /**
     * Folders locked by this JVM. Checked before the file is opened: on POSIX systems closing any
     * channel to a locked file releases the process's lock, so a second in-process writer must not
     * even open it.
     */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private FolderLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks an existing folder for writing.
     *
     * @throws IoFailure naming the holder if another process or thread holds it
     */
    public static FolderLock acquire(Path dir) {
        Path key;
        try {
            key = dir.toRealPath();
        } catch (IOException e) {
            throw IoFailure.of(dir, "cannot lock", e);
        }
        String me = "pid " + ProcessHandle.current().pid() + " on host " + host() + " since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String other = HELD.putIfAbsent(key, me);
        if (other != null) {
            throw busy(dir, other);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw busy(dir, holder(channel));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((me + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new FolderLock(key, channel, lock);
        } catch (IOException | OverlappingFileLockException | IoFailure e) {
            HELD.remove(key);
            closeQuietly(channel);
            if (e instanceof IoFailure f) {
                throw f;
            }
            throw new IoFailure(dir + ": cannot lock: " + (e instanceof IOException io ? IoFailure.describe(io) : e), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it anyway.
        }
        closeQuietly(channel);
        HELD.remove(key);
    }

    private static IoFailure busy(Path dir, String holder) {
        return new IoFailure(dir + ": another softalign process is writing here ("
                + (holder.isBlank() ? "holder unknown" : holder.strip()) + "); wait for it to end or stop it");
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(256);
        channel.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    /** The host name without a DNS lookup (which can hang for seconds on a misconfigured machine). */
    private static String host() {
        try {
            Path proc = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(proc)) {
                return Files.readString(proc).strip();
            }
        } catch (IOException e) {
            // Fall through to the environment.
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "unknown" : env;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing left to release.
            }
        }
    }
}
