package dev.softalign.report;

import dev.softalign.io.FormatException;
import dev.softalign.io.IoFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a numeric CSV with a header line (metrics.csv) into columns. Java's number syntax, so
 * NaN and Infinity (a diverged loss) read back as written.
 */
public final class Csv {

    private Csv() {
    }

    public static Map<String, double[]> readNumeric(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IoFailure(file + ": no such file");
        } catch (IOException e) {
            throw new IoFailure(file + ": cannot read: " + e.getMessage(), e);
        }
        lines.removeIf(String::isBlank);
        if (lines.isEmpty()) {
            throw new FormatException(file, "empty");
        }
        String[] head = lines.get(0).split(",", -1);
        List<double[]> rows = new ArrayList<>();
        for (int r = 1; r < lines.size(); r++) {
            String[] v = lines.get(r).split(",", -1);
            if (v.length != head.length) {
                throw new FormatException(file, "line " + (r + 1) + " has " + v.length + " fields, expected " + head.length);
            }
            double[] row = new double[v.length];
            for (int k = 0; k < v.length; k++) {
                try {
                    row[k] = v[k].isBlank() ? Double.NaN : Double.parseDouble(v[k].trim());
                } catch (NumberFormatException e) {
                    throw new FormatException(file, "line " + (r + 1) + ", column " + head[k] + ": not a number: '" + v[k] + "'");
                }
            }
            rows.add(row);
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        for (int k = 0; k < head.length; k++) {
            double[] col = new double[rows.size()];
            for (int r = 0; r < col.length; r++) {
                col[r] = rows.get(r)[k];
            }
            out.put(head[k].trim(), col);
        }
        return out;
    }
}
