package dev.softalign.cli;

import com.google.gson.JsonObject;
import dev.softalign.io.Json;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * Where commands print: one line of strict JSON for scripts ({@link Json#OUTPUT}: snake_case
 * keys, null for a value that does not exist), or lines for people.
 */
final class Output {

    private Output() {
    }

    /** Prints the records' keys as one JSON object, in order; later parts may not repeat a key. */
    static void json(PrintWriter out, Object... parts) {
        out.println(Json.OUTPUT.toJson(merge(parts)));
        out.flush();
    }

    /** One JSON object holding the keys of every part (records or maps), in order. */
    static JsonObject merge(Object... parts) {
        JsonObject all = new JsonObject();
        for (Object part : parts) {
            for (Map.Entry<String, com.google.gson.JsonElement> e : Json.OUTPUT.toJsonTree(part).getAsJsonObject().entrySet()) {
                if (all.has(e.getKey())) {
                    throw new IllegalStateException("key " + e.getKey() + " printed twice");
                }
                all.add(e.getKey(), e.getValue());
            }
        }
        return all;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
