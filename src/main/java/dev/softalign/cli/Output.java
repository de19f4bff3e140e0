package dev.softalign.cli;

import dev.softalign.io.Json;
import java.io.PrintWriter;
import java.util.Locale;

/** Where commands print: a JSON object for scripts, or lines for people. */
final class Output {

    private Output() {
    }

    static void json(PrintWriter out, Object value) {
        out.println(Json.COMPACT.toJson(value));
        out.flush();
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
