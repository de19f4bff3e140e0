package dev.softalign.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Figures measured in another run, kept in {@code bench/recorded/*.json} (each the {@code --json}
 * output of one {@code bench --peer torch} run). Shown only with their label (what, where, when),
 * never divided into this run's figures: a ratio compares two measurements of one run.
 */
public record Recorded(String label, List<Figure> figures) {

    /** One recorded figure: softalign's and the peer's value of a workload in that run. */
    public record Figure(String work, String dtype, Double softalign, Double peer, String unit) {
    }

    /** The recorded runs in a folder (none if it does not exist), by file name. */
    public static List<Recorded> load(Path dir) {
        List<Recorded> all = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return all;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            return all;
        }
        for (Path f : files) {
            try {
                all.add(parse(Files.readString(f)));
            } catch (IOException | RuntimeException e) {
                // a file we cannot read is not a figure; the bench still runs
                all.add(new Recorded(f + ": unreadable (" + e.getMessage() + ")", List.of()));
            }
        }
        return all;
    }

    /** Reads one bench --json document. */
    static Recorded parse(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        JsonObject machine = o.getAsJsonObject("machine");
        JsonElement peerElement = o.get("peer");
        String peer = peerElement == null || peerElement.isJsonNull() ? "no peer" : describe(peerElement.getAsJsonObject());
        String label = "softalign " + o.get("kernel").getAsString() + " and " + peer + ", " + machine.get("cores").getAsInt()
                + " cores of " + machine.get("cpu").getAsString() + ", " + machine.get("java").getAsString() + ", "
                + o.get("date").getAsString() + load(o.get("load_average"));
        List<Figure> figures = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("rows")) {
            JsonObject r = e.getAsJsonObject();
            if (!r.has("dtype") || r.get("dtype").isJsonNull()) {
                continue;
            }
            figures.add(new Figure(r.get("work").getAsString(), r.get("dtype").getAsString(), number(r.get("value")),
                    number(r.get("peer")), r.get("unit").getAsString()));
        }
        return new Recorded(label, figures);
    }

    private static String describe(JsonObject peer) {
        return new Peer.Info(peer.get("name").getAsString(), peer.get("version").getAsString(),
                peer.get("blas").getAsString(), peer.get("threads").getAsInt(), "").describe();
    }

    /** ", load average 16.4 to 12.7" from the recorded [before, after], if it was recorded. */
    private static String load(JsonElement e) {
        if (e == null || !e.isJsonArray() || e.getAsJsonArray().size() != 2 || e.getAsJsonArray().get(0).isJsonNull()
                || e.getAsJsonArray().get(1).isJsonNull()) {
            return "";
        }
        return String.format(java.util.Locale.ROOT, ", load average %.1f to %.1f", e.getAsJsonArray().get(0).getAsDouble(),
                e.getAsJsonArray().get(1).getAsDouble());
    }

    private static Double number(JsonElement e) {
        return e == null || e.isJsonNull() ? null : e.getAsDouble();
    }
}
