package dev.softalign.report;

import dev.softalign.io.AtomicFiles;
import dev.softalign.io.IoFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

/** Draws figures to image bytes and writes them, with their data as CSV beside them, atomically. */
public final class Charts {

    public static final int WIDTH = 760;
    public static final int HEIGHT = 440;

    static {
        // Reports are made on servers and in CI; never try to open a display.
        System.setProperty("java.awt.headless", "true");
        quietLogging();
    }

    /** Tablesaw logs through SLF4J; without a provider SLF4J prints three warning lines to stderr. */
    static void quietLogging() {
        if (System.getProperty("slf4j.internal.verbosity") == null) {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
    }

    private Charts() {
    }

    public static byte[] render(Figure f, ImageFormat format) {
        Chart<?, ?> chart = f.plot().chart(f.title(), WIDTH, HEIGHT);
        try {
            if (format == ImageFormat.PNG) {
                return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IoFailure("figure " + f.name() + ": cannot draw: " + e.getMessage(), e);
        }
    }

    /** Writes dir/name.png (or .svg) and dir/name.csv; returns the image file. */
    public static Path write(Figure f, Path dir, ImageFormat format) {
        Path image = dir.resolve(f.name() + "." + format.extension());
        AtomicFiles.write(image, render(f, format));
        writeCsv(f.plot().table(), dir.resolve(f.name() + ".csv"));
        return image;
    }

    public static void writeCsv(Table t, Path file) {
        AtomicFiles.writeString(file, csv(t));
    }

    public static String csv(Table t) {
        StringWriter w = new StringWriter();
        t.write().csv(w);
        return w.toString();
    }
}
