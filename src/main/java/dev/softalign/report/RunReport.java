package dev.softalign.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.softalign.io.IoFailure;
import dev.softalign.io.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The report of one training run folder (written by {@code softalign train}): training curves and
 * alignment angles from metrics.csv, the config from config.json, the final metrics.
 */
public final class RunReport {

    private RunReport() {
    }

    /** Builds the report of the run in dir; one-line errors if dir or its metrics.csv is missing. */
    public static Report of(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IoFailure(dir + ": no such run folder");
        }
        Path metricsFile = dir.resolve("metrics.csv");
        if (!Files.isRegularFile(metricsFile)) {
            throw new IoFailure(dir + ": no metrics.csv in this folder (is it a run folder made by softalign train?)");
        }
        Map<String, double[]> m = Csv.readNumeric(metricsFile);
        for (String needed : List.of("epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")) {
            if (!m.containsKey(needed)) {
                throw new dev.softalign.io.FormatException(metricsFile, "has no column '" + needed + "'");
            }
        }
        double[] epoch = m.get("epoch");
        if (epoch.length == 0) {
            throw new dev.softalign.io.FormatException(metricsFile, "has no rows");
        }
        for (int r = 0; r < epoch.length; r++) {
            if (!Double.isFinite(epoch[r])) {
                throw new dev.softalign.io.FormatException(metricsFile, "line " + (r + 2) + ": epoch is " + epoch[r]);
            }
        }
        String gaps = nonFinite(m);
        Path configFile = dir.resolve("config.json");
        JsonObject config = Files.isRegularFile(configFile) ? Json.read(configFile, JsonObject.class) : new JsonObject();
        String name = dir.toAbsolutePath().normalize().getFileName().toString();

        Report rep = new Report("Training run " + name);
        int last = epoch.length - 1;
        rep.text(String.format(Locale.ROOT, "%s, trained for %d epochs. Final test accuracy %.2f%%, test loss %.4f; "
                + "final train accuracy %.2f%%, train loss %.4f.%s", describe(config), (int) epoch[last],
                100 * m.get("test_accuracy")[last], m.get("test_loss")[last], 100 * m.get("train_accuracy")[last],
                m.get("train_loss")[last], timing(dir)) + gaps);
        rep.figure(new Figure("loss", "Loss per epoch", "Training loss (mean over each epoch's mini-batches) and test "
                + "loss after each epoch, log scale. Epoch 0 is the initialised network.",
                new Lines("epoch", "loss", List.of(Series.of("train", epoch, m.get("train_loss")),
                        Series.of("test", epoch, m.get("test_loss")))).logY(true)));
        rep.figure(new Figure("accuracy", "Accuracy per epoch", "Training accuracy (over each epoch's mini-batches, "
                + "while the network learns) and test accuracy after each epoch, in percent.",
                new Lines("epoch", "accuracy (%)", List.of(Series.of("train", epoch, scale(m.get("train_accuracy"), 100)),
                        Series.of("test", epoch, scale(m.get("test_accuracy"), 100))))));
        List<Series> angles = new ArrayList<>();
        for (var e : m.entrySet()) {
            if (e.getKey().startsWith("angle_")) {
                angles.add(Series.of("layer " + e.getKey().substring("angle_".length()), epoch, e.getValue()));
            }
        }
        if (!angles.isEmpty()) {
            rep.figure(new Figure("angles", "Angle between W and B per layer", "Angle in degrees between each layer's "
                    + "forward weights W and feedback weights B after each epoch (layer 0 takes the input). BP keeps "
                    + "B = W (0 degrees); random FA starts near 90 degrees, soft alignment at arccos(a).",
                    new Lines("epoch", "angle(W, B) (degrees)", angles)));
        }
        StringColumn key = StringColumn.create("option");
        StringColumn value = StringColumn.create("value");
        for (Map.Entry<String, JsonElement> e : config.entrySet()) {
            key.append(e.getKey());
            value.append(e.getValue().isJsonNull() ? "none" : e.getValue().isJsonPrimitive()
                    ? e.getValue().getAsJsonPrimitive().getAsString() : e.getValue().toString());
        }
        rep.table("config", "Configuration", configFile.getFileName() + " of the run.", Table.create("config", key, value));
        StringColumn metric = StringColumn.create("metric");
        StringColumn fin = StringColumn.create("final value");
        for (var e : m.entrySet()) {
            metric.append(e.getKey());
            fin.append(format(e.getValue()[last]));
        }
        rep.table("final-metrics", "Final metrics", "The last row of metrics.csv (epoch " + (int) epoch[last] + ").",
                Table.create("final", metric, fin));
        return rep;
    }

    /**
     * Turns infinities into gaps (NaN) so the charts draw the finite points, and says where they
     * were: a diverged evaluation must show as missing, not as a number or a chart error.
     */
    static String nonFinite(Map<String, double[]> m) {
        double[] epoch = m.get("epoch");
        StringBuilder notes = new StringBuilder();
        for (Map.Entry<String, double[]> e : m.entrySet()) {
            List<String> where = new ArrayList<>();
            double[] v = e.getValue();
            for (int r = 0; r < v.length; r++) {
                if (Double.isInfinite(v[r])) {
                    where.add(RunReport.format(epoch[r]) + " (" + v[r] + ")");
                    v[r] = Double.NaN;
                }
            }
            if (!where.isEmpty()) {
                notes.append(" ").append(e.getKey()).append(" is infinite at epoch ").append(String.join(", ", where))
                        .append(": those points are left out of the charts.");
            }
        }
        return notes.toString();
    }

    private static String describe(JsonObject c) {
        if (!c.has("rule")) {
            return "No config.json";
        }
        String align = c.has("align") && !c.get("align").isJsonNull() ? " with soft alignment a=" + c.get("align").getAsString() : "";
        return "Rule " + c.get("rule").getAsString() + align + ", " + str(c, "depth") + " hidden layers of width "
                + str(c, "width") + ", dataset " + str(c, "dataset") + ", " + str(c, "optimizer") + " at learning rate "
                + str(c, "lr") + ", seed " + str(c, "seed");
    }

    private static String str(JsonObject c, String k) {
        return c.has(k) && !c.get(k).isJsonNull() ? c.get(k).getAsString() : "?";
    }

    private static String timing(Path dir) {
        Path f = dir.resolve("timing.csv");
        if (!Files.isRegularFile(f)) {
            return "";
        }
        try {
            double[] s = Csv.readNumeric(f).getOrDefault("seconds", new double[0]);
            double total = 0;
            for (double v : s) {
                total += Double.isFinite(v) ? v : 0;
            }
            return String.format(Locale.ROOT, " Training took %.1f s.", total);
        } catch (RuntimeException e) {
            return "";
        }
    }

    static double[] scale(double[] v, double f) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * f;
        }
        return out;
    }

    static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.6g", v);
    }
}
