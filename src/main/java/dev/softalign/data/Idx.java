package dev.softalign.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    /** value/255 for every byte value, so decoding is one table lookup per pixel. */
    private static final double[] UNIT = new double[256];

    static {
        for (int v = 0; v < 256; v++) {
            UNIT[v] = v / 255.0;
        }
    }

    private Idx() {
    }

    /**
     * Reads an image file and its label file into one dataset of shape {1, rows, cols}.
     *
     * @throws DataException naming the offending file if either file is missing or corrupt, a
     *                       label lies outside [0, classes), or the counts differ
     */
    public static Dataset read(String name, Path images, Path labels, int classes) {
        byte[] img = bytes(images);
        byte[] lab = bytes(labels);

        int[] dims = header(images, img, IMAGES_MAGIC, 3, "u8 images");
        int n = dims[0], rows = dims[1], cols = dims[2];
        if (rows <= 0 || cols <= 0) {
            throw new DataException(images + ": wrong dims: " + n + " x " + rows + " x " + cols);
        }
        long expected = (long) n * rows * cols;
        if (expected > Integer.MAX_VALUE - 16) {
            throw new DataException(images + ": wrong dims: " + n + " x " + rows + " x " + cols + " is too large");
        }
        checkLength(images, img, 16, expected, "pixel");

        int m = header(labels, lab, LABELS_MAGIC, 1, "u8 labels")[0];
        checkLength(labels, lab, 8, m, "label");
        if (m != n) {
            throw new DataException(images + ": " + n + " images but " + labels + " has " + m + " labels");
        }

        double[] x = new double[(int) expected];
        for (int i = 0; i < x.length; i++) {
            x[i] = UNIT[img[16 + i] & 0xff];
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = lab[8 + i] & 0xff;
            if (y[i] >= classes) {
                throw new DataException(labels + ": label " + y[i] + " at index " + i + " outside [0, " + classes + ")");
            }
        }
        return new Dataset(name, new int[] {1, rows, cols}, classes, x, y);
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
        ByteBuffer img = ByteBuffer.allocate(16 + d.x().length);
        img.putInt(IMAGES_MAGIC).putInt(n).putInt(rows).putInt(cols);
        for (double v : d.x()) {
            img.put((byte) Math.round(255 * Math.min(1, Math.max(0, v))));
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

    static void writeBytes(Path file, byte[] data, boolean gzip) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = gzip ? bestGzip(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
                out.write(data);
            }
        } catch (IOException e) {
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

    /** Checks the magic number and returns the dimension sizes that follow it. */
    private static int[] header(Path file, byte[] b, int magic, int rank, String what) {
        int headerBytes = 4 + 4 * rank;
        if (b.length < 4) {
            throw new DataException(file + ": truncated: " + b.length + " bytes, too short for an IDX header");
        }
        ByteBuffer buf = ByteBuffer.wrap(b);
        int found = buf.getInt();
        if (found != magic) {
            throw new DataException(file + ": bad magic " + String.format("0x%08x", found)
                    + ", expected " + String.format("0x%08x", magic) + " (" + what + ")");
        }
        if (b.length < headerBytes) {
            throw new DataException(file + ": truncated: expected a " + headerBytes + "-byte header, found "
                    + b.length + " bytes");
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

    private static void checkLength(Path file, byte[] b, int headerBytes, long expected, String what) {
        long found = b.length - headerBytes;
        if (found < expected) {
            throw new DataException(file + ": truncated: expected " + expected + " " + what + " bytes, found " + found);
        }
        if (found > expected) {
            throw new DataException(file + ": " + (found - expected) + " trailing bytes after the " + expected + " "
                    + what + " bytes the header announces");
        }
    }
}
