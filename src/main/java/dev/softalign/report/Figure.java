package dev.softalign.report;

import java.util.regex.Pattern;

/**
 * A chart in a report: its data ({@link Plot}), a file base name (name.png / name.svg and
 * name.csv), a title, and a short caption saying what it shows.
 */
public record Figure(String name, String title, String caption, Plot plot) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public Figure {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("figure name '" + name + "' must be a plain file name (letters, digits, . _ -)");
        }
    }
}
