package dev.softalign.report;

import java.util.Locale;

/** How charts are written: PNG (default) or SVG (vector, via VectorGraphics2D). */
public enum ImageFormat {
    PNG, SVG;

    public String extension() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ImageFormat parse(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "png":
                return PNG;
            case "svg":
                return SVG;
            default:
                throw new IllegalArgumentException("unknown image format '" + s + "' (expected png or svg)");
        }
    }
}
