package dev.softalign.io;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shared Gson instances. Both print doubles with Java's shortest round-trip representation
 * and accept NaN and Infinity, because training metrics (a diverged loss) can be non-finite
 * and a result file that cannot be written is worse than one with a non-standard token.
 */
public final class Json {

    /** Indented, for files people read: configs, run summaries. */
    public static final Gson PRETTY = builder().setPrettyPrinting().create();

    /** One line, for --json output and embedded headers. */
    public static final Gson COMPACT = builder().create();

    private Json() {
    }

    private static GsonBuilder builder() {
        return new GsonBuilder()
                .serializeSpecialFloatingPointValues()
                .disableHtmlEscaping();
    }

    /** Writes {@code value} as pretty JSON with a trailing newline, atomically. */
    public static void write(Path file, Object value) {
        AtomicFiles.write(file, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            PRETTY.toJson(value, writer);
            writer.write('\n');
            writer.flush();
        });
    }

    /** Reads a JSON file into {@code type}; failures name the file on one line. */
    public static <T> T read(Path file, Class<T> type) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            T value = PRETTY.fromJson(reader, type);
            if (value == null) {
                throw new FormatException(file, "empty JSON document");
            }
            return value;
        } catch (JsonParseException e) {
            // Gson wraps the reader's exception; its message carries the position without a class-name prefix.
            Throwable cause = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause() : e;
            throw new FormatException(file, "invalid JSON: " + shorten(cause.getMessage()), e);
        } catch (IOException e) {
            throw IoFailure.of(file, "cannot read", e);
        }
    }

    /** Gson appends a troubleshooting URL to its messages; the position is what users need. */
    static String shorten(String message) {
        if (message == null) {
            return "malformed";
        }
        int see = message.indexOf("\nSee ");
        if (see < 0) {
            see = message.indexOf(" See https://");
        }
        return IoFailure.oneLine(see < 0 ? message : message.substring(0, see));
    }
}
