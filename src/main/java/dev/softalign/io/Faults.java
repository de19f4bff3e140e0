package dev.softalign.io;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fault injection for the crash and full-disk tests; inert unless a test switches it on.
 *
 * <p>Every step of a durable write (temporary file created, content written, fsynced, renamed;
 * each step of a checkpoint) calls {@link #point()}. With the system property
 * {@value #HALT_AT}{@code =N} the process halts at the N-th point as {@code kill -9} would: no
 * finally blocks, no shutdown hooks, whatever is on disk stays as it is. A test can thereby kill
 * a child process at every point of a save, deterministically, instead of hoping a timer lands
 * inside it.
 *
 * <p>{@link #diskFull(long)} makes writes fail like a full disk once the given number of bytes has
 * been written in this process, so a test can check what a failed save leaves behind without
 * root privileges or a tiny file system.
 */
public final class Faults {

    /** System property: halt at this point number (1-based); absent or 0: never. */
    public static final String HALT_AT = "softalign.test.haltAt";
    /** The exit status of a halt at a point, distinct from every status the commands use. */
    public static final int HALT_STATUS = 86;

    private static final long HALT = Long.getLong(HALT_AT, 0);
    private static final AtomicLong POINTS = new AtomicLong();
    private static final AtomicLong BYTES_LEFT = new AtomicLong(Long.MAX_VALUE);

    private Faults() {
    }

    /** One step of a durable write has happened; halts the process here if asked to. */
    public static void point() {
        if (POINTS.incrementAndGet() == HALT) {
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    /** Points passed so far in this process (a test counts a save's points with it). */
    public static long points() {
        return POINTS.get();
    }

    /** From now on, writes fail with "No space left on device" after {@code bytes} more bytes. */
    public static void diskFull(long bytes) {
        BYTES_LEFT.set(bytes);
    }

    /** Ends {@link #diskFull(long)}. */
    public static void diskUnlimited() {
        BYTES_LEFT.set(Long.MAX_VALUE);
    }

    /** Called before {@code bytes} are written to a file. */
    static void reserve(long bytes) throws IOException {
        if (BYTES_LEFT.get() == Long.MAX_VALUE) {
            return;
        }
        if (BYTES_LEFT.addAndGet(-bytes) < 0) {
            BYTES_LEFT.set(0);
            throw new IOException("No space left on device");
        }
    }
}
