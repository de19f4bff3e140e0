package dev.softalign.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Reader and writer for the IDX format of MNIST and Fashion-MNIST: a big-endian header
 * (magic 0x00000803 for u8 images n x rows x cols, 0x00000801 for u8 labels n) followed by the
 * bytes. Files may be raw or gzip; gzip is recognised by its magic bytes, not by the file name,
 * because mirrors are inconsistent about the ".gz" suffix.
 */
public final class Idx {

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;

    private Idx() {
    }

    /**
     * Reads an image file and its label file into one dataset of shape {1, rows, cols}. The files
     * are streamed: the header's declared size is checked against the file (raw) or the memory the
     * Java heap can still give (gzip, whose size is known only after decompressing) before anything
     * large is allocated.
     *
     * @throws DataException naming the offending file if either file is missing, corrupt, empty or
     *                       too large, a label lies outside [0, classes), or the counts differ
     */
    public static Dataset read(String name, Path images, Path labels, int classes) {
        byte[] x;
        int[] dims;
        try (Source img = new Source(images)) {
            dims = img.header(IMAGES_MAGIC, 3, "u8 images");
            int n = dims[0], rows = dims[1], cols = dims[2];
            if (rows <= 0 || cols <= 0) {
                throw new DataException(images + ": wrong dims: " + n + " x " + rows + " x " + cols);
            }
            if (n == 0) {
                throw new DataException(images + ": holds no images (the header declares 0)");
            }
            long expected = (long) n * rows * cols;
            if (expected > Integer.MAX_VALUE - 16) {
                throw new DataException(images + ": wrong dims: " + n + " x " + rows + " x " + cols + " is too large");
            }
            img.checkRawLength(expected, "pixel");
            Runtime rt = Runtime.getRuntime();
            long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
            if (expected > free) {
                throw new DataException(String.format(java.util.Locale.ROOT, "%s: declares %d images of %d x %d, which "
                        + "need %.1f GB of memory, more than the %.1f GB the Java heap has left "
                        + "(SOFTALIGN_HEAP raises it)", images, n, rows, cols, expected / 1e9, free / 1e9));
            }
            // A gzip's size is known only once it is read: the array grows with what arrives (from
            // 64 MB, which holds full Fashion-MNIST at once), so a small file declaring a huge count
            // fails as truncated having taken about what it holds, not what it declares.
            byte[][] pixels = {new byte[(int) (img.gzip ? Math.min(expected, 1 << 26) : expected)]};
            img.read(expected, "pixel", (buf, off, len, at) -> {
                if (at + len > pixels[0].length) {
                    pixels[0] = Arrays.copyOf(pixels[0], (int) Math.min(expected, Math.max(at + len, 2L * pixels[0].length)));
                }
                System.arraycopy(buf, off, pixels[0], (int) at, len);
            });
            x = pixels[0];
        }
        int n = dims[0];
        int[] y;
        try (Source lab = new Source(labels)) {
            int m = lab.header(LABELS_MAGIC, 1, "u8 labels")[0];
            lab.checkRawLength(m, "label");
            if (m != n) {
                throw new DataException(images + ": " + n + " images but " + labels + " has " + m + " labels");
            }
            y = new int[n];
            lab.read(m, "label", (buf, off, len, at) -> {
                for (int i = 0; i < len; i++) {
                    y[(int) at + i] = buf[off + i] & 0xff;
                }
            });
        }
        for (int i = 0; i < n; i++) {
            if (y[i] >= classes) {
                throw new DataException(labels + ": label " + y[i] + " at index " + i + " outside [0, " + classes + ")");
            }
        }
        return Dataset.ofPixels(name, new int[] {1, dims[1], dims[2]}, classes, x, y);
    }

    /** Receives bytes [at, at + len) of a file's body in buf[off ..]. */
    private interface Chunk {
        void accept(byte[] buf, int off, int len, long at);
    }

    /** One IDX file as a stream, gunzipped if it starts with the gzip magic 1f 8b. */
    private static final class Source implements AutoCloseable {

        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private final long rawSize;
        private int headerBytes;

        Source(Path file) {
            this.file = file;
            try {
                rawSize = Files.size(file);
                InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                raw.mark(2);
                int b0 = raw.read();
                int b1 = raw.read();
                raw.reset();
                gzip = b0 == 0x1f && b1 == 0x8b;
                in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            } catch (NoSuchFileException e) {
                throw new DataException(file + ": file not found", e);
            } catch (IOException e) {
                throw failure(e);
            }
        }

        /** Checks the magic number and returns the dimension sizes that follow it. */
        int[] header(int magic, int rank, String what) {
            headerBytes = 4 + 4 * rank;
            byte[] h = new byte[headerBytes];
            int got = fill(h, 0, headerBytes);
            if (got < 4) {
                throw new DataException(file + ": truncated: " + got + " bytes, too short for an IDX header");
            }
            ByteBuffer buf = ByteBuffer.wrap(h);
            int found = buf.getInt();
            if (found != magic) {
                throw new DataException(file + ": bad magic " + String.format("0x%08x", found)
                        + ", expected " + String.format("0x%08x", magic) + " (" + what + ")");
            }
            if (got < headerBytes) {
                throw new DataException(file + ": truncated: expected a " + headerBytes + "-byte header, found "
                        + got + " bytes");
            }
            int[] dims = new int[rank];
            for (int i = 0; i < rank; i++) {
                dims[i] = buf.getInt();
                if (dims[i] < 0) {
                    throw new DataException(file + ": wrong dims: dimension " + i + " is " + dims[i]);
                }
            }
            return dims;
        }

        /** For a raw file, the length check before anything is allocated. */
        void checkRawLength(long expected, String what) {
            if (!gzip) {
                lengthCheck(rawSize - headerBytes, expected, what);
            }
        }

        /** Streams exactly {@code expected} body bytes to the chunk and checks that nothing follows. */
        void read(long expected, String what, Chunk chunk) {
            byte[] buf = new byte[1 << 16];
            long at = 0;
            while (at < expected) {
                int got = fill(buf, 0, (int) Math.min(buf.length, expected - at));
                chunk.accept(buf, 0, got, at);
                at += got;
                if (got == 0) {
                    break;
                }
            }
            long extra = 0;
            for (int got; (got = fill(buf, 0, buf.length)) > 0; ) {
                extra += got;
            }
            lengthCheck(at + extra, expected, what);
        }

        private void lengthCheck(long found, long expected, String what) {
            if (found < expected) {
                throw new DataException(file + ": truncated: expected " + expected + " " + what + " bytes, found " + found);
            }
            if (found > expected) {
                throw new DataException(file + ": " + (found - expected) + " trailing bytes after the " + expected + " "
                        + what + " bytes the header announces");
            }
        }

        /** Reads up to len bytes, fewer only at the end of the stream. */
        private int fill(byte[] b, int off, int len) {
            try {
                return in.readNBytes(b, off, len);
            } catch (IOException e) {
                throw failure(e);
            }
        }

        private DataException failure(IOException e) {
            if (e instanceof EOFException) {
                return new DataException(file + ": truncated gzip stream", e);
            }
            if (gzip) {
                return new DataException(file + ": corrupt gzip data: " + e.getMessage(), e);
            }
            return new DataException(file + ": cannot read: " + e.getMessage(), e);
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // Read-only: nothing to lose.
            }
        }
    }

    /**
     * Writes a dataset as an IDX image file and an IDX label file. Pixels are rounded to
     * round(255 * value) after clipping to [0,1], so data read by {@link #read} round-trips
     * exactly. With gzip=true both files are gzip-compressed (the header carries no time stamp,
     * so the output is reproducible byte for byte).
     */
    public static void write(Dataset d, Path images, Path labels, boolean gzip) {
        int[] s = d.shape();
        int rows = s.length >= 2 ? s[s.length - 2] : 1;
        int cols = s[s.length - 1];
        if ((long) rows * cols != d.features()) {
            throw new DataException(d.name() + ": shape " + java.util.Arrays.toString(s) + " is not one image channel");
        }
        if (d.classes() > 256) {
            throw new DataException(d.name() + ": " + d.classes() + " classes do not fit in u8 labels");
        }
        int n = d.size();
        ByteBuffer img = ByteBuffer.allocate(16 + n * d.features());
        img.putInt(IMAGES_MAGIC).putInt(n).putInt(rows).putInt(cols);
        if (d.pixels() != null) { // the bytes themselves: rounding 255 * (p / 255) gives p back
            img.put(d.pixels());
        } else {
            double[] sample = new double[d.features()];
            for (int i = 0; i < n; i++) {
                d.copySample(i, sample, 0);
                for (double v : sample) {
                    img.put((byte) Math.round(255 * Math.min(1, Math.max(0, v))));
                }
            }
        }
        ByteBuffer lab = ByteBuffer.allocate(8 + n);
        lab.putInt(LABELS_MAGIC).putInt(n);
        for (int y : d.labels()) {
            lab.put((byte) y);
        }
        writeBytes(images, img.array(), gzip);
        writeBytes(labels, lab.array(), gzip);
    }

    /** The whole content of a file, gunzipped if it starts with the gzip magic 1f 8b. */
    static byte[] bytes(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": file not found", e);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e, e);
        }
        if (raw.length < 2 || (raw[0] & 0xff) != 0x1f || (raw[1] & 0xff) != 0x8b) {
            return raw;
        }
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw), 1 << 16)) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new DataException(file + ": truncated gzip stream", e);
        } catch (IOException e) {
            throw new DataException(file + ": corrupt gzip data: " + e.getMessage(), e);
        }
    }

    /**
     * Written to a temporary file renamed into place: a dataset file is read often, and a
     * half-written one would fail every later run. (data sits below io, so not via AtomicFiles.)
     */
    static void writeBytes(Path file, byte[] data, boolean gzip) {
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            try (OutputStream out = gzip ? bestGzip(Files.newOutputStream(tmp)) : Files.newOutputStream(tmp)) {
                out.write(data);
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw new DataException(file + ": cannot write: " + e, e);
        }
    }

    /** Maximum compression: these files are written once and read often, and one of them is committed. */
    private static OutputStream bestGzip(OutputStream out) throws IOException {
        return new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(java.util.zip.Deflater.BEST_COMPRESSION);
            }
        };
    }
}
