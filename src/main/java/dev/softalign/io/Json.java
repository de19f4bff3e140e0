package dev.softalign.io;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shared Gson instances. PRETTY and COMPACT print doubles with Java's shortest round-trip
 * representation and accept NaN and Infinity, because training metrics (a diverged loss) can be
 * non-finite and a result file that cannot be written is worse than one with a non-standard token.
 * OUTPUT is for what other programs parse (--json): strict JSON only.
 */
public final class Json {

    /**
     * A double as a JSON number, or null when it is NaN or infinite (a value that does not exist,
     * e.g. the condition number of a zero matrix); null reads back as NaN.
     */
    static final TypeAdapter<Double> FINITE_OR_NULL = new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Double value) throws IOException {
            if (value == null || !Double.isFinite(value)) {
                out.nullValue();
            } else {
                out.value(value.doubleValue());
            }
        }

        @Override
        public Double read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return Double.NaN;
            }
            return in.nextDouble();
        }
    };

    /** Indented, for files people read: configs, run summaries. */
    public static final Gson PRETTY = builder().setPrettyPrinting().create();

    /** One line, for --json output and embedded headers. */
    public static final Gson COMPACT = builder().create();

    /**
     * One line of strict JSON for --json output and result records: record components become
     * snake_case keys (topEigenvalues -> top_eigenvalues), every key is written even when its value
     * is null, and a non-finite double is written as null, which strict parsers (JavaScript's
     * JSON.parse, Jackson) accept where they reject a bare NaN.
     */
    public static final Gson OUTPUT = new GsonBuilder()
            .disableHtmlEscaping()
            .serializeNulls()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .registerTypeAdapter(Double.class, FINITE_OR_NULL)
            .registerTypeAdapter(double.class, FINITE_OR_NULL)
            .create();

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
