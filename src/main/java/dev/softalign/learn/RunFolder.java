package dev.softalign.learn;

import dev.softalign.io.AtomicFiles;
import dev.softalign.io.FormatException;
import dev.softalign.io.IoFailure;
import dev.softalign.io.Json;
import dev.softalign.io.SafeTensors;
import dev.softalign.io.Tensor;
import dev.softalign.nn.ModelFile;
import dev.softalign.nn.Mlp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of one training run. The model and optimizer state are written before the metrics,
 * and the model records its epoch, so a crash between files still resumes consistently.
 */
final class RunFolder {

    record Checkpoint(Mlp net, Map<String, double[]> optimizerState, long optimizerSteps, List<EpochMetrics> history) {
    }

    private final Path dir;

    RunFolder(Path dir) {
        this.dir = dir;
    }

    Path modelFile() {
        return dir.resolve("model.safetensors");
    }

    boolean exists() {
        return Files.exists(dir.resolve("config.json"));
    }

    void prepare(boolean overwrite) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IoFailure(dir + ": exists and is not a folder");
        }
        if (exists() && !overwrite) {
            throw new IoFailure(dir + ": already holds a run; pass --resume to continue it, --overwrite to replace it, or another --out");
        }
    }

    static Map<String, String> metadata(TrainConfig c, int epoch) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("rule", c.rule);
        m.put("align", c.align == null ? "none" : Double.toString(c.align));
        m.put("align_from", c.alignFrom);
        m.put("feedback_scale", Double.toString(c.feedbackScale));
        m.put("dataset", c.dataset);
        m.put("seed", Long.toString(c.seed));
        m.put("epoch", Integer.toString(epoch));
        return m;
    }

    void save(TrainConfig c, Mlp net, Optimizer opt, List<EpochMetrics> history) {
        int epoch = history.get(history.size() - 1).epoch();
        Json.write(dir.resolve("config.json"), c);
        ModelFile.save(net, metadata(c, epoch), modelFile(), c.saveDtype);
        Map<String, Tensor> state = new LinkedHashMap<>();
        opt.state().forEach((k, v) -> state.put(k, Tensor.vector(v)));
        SafeTensors.write(dir.resolve("optimizer.safetensors"), state,
                Map.of("steps", Long.toString(opt.steps()), "epoch", Integer.toString(epoch)));
        AtomicFiles.writeString(dir.resolve("metrics.csv"), metricsCsv(history));
        AtomicFiles.writeString(dir.resolve("timing.csv"), timingCsv(history, c));
    }

    Checkpoint load(TrainConfig requested) {
        TrainConfig saved = Json.read(dir.resolve("config.json"), TrainConfig.class);
        TrainConfig cmp = requested.copy().epochs(saved.epochs);
        if (!cmp.equals(saved)) {
            throw new IoFailure(dir + ": --resume needs the same options as the saved run (only --epochs may change); saved: "
                    + Json.COMPACT.toJson(saved));
        }
        ModelFile.Saved model = ModelFile.load(modelFile());
        int epoch = Integer.parseInt(model.metadata().getOrDefault("epoch", "0"));
        Path optFile = dir.resolve("optimizer.safetensors");
        SafeTensors.Contents opt = SafeTensors.read(optFile);
        if (!Integer.toString(epoch).equals(opt.metadata().get("epoch"))) {
            throw new FormatException(optFile, "optimizer state is from epoch " + opt.metadata().get("epoch")
                    + " but the model is from epoch " + epoch);
        }
        Map<String, double[]> state = new LinkedHashMap<>();
        opt.tensors().forEach((k, v) -> state.put(k, v.data()));
        List<EpochMetrics> history = readMetrics(dir.resolve("metrics.csv"), epoch);
        return new Checkpoint(model.net(), state, Long.parseLong(opt.metadata().getOrDefault("steps", "0")), history);
    }

    static String metricsCsv(List<EpochMetrics> history) {
        StringBuilder s = new StringBuilder("epoch,lr,train_loss,train_accuracy,test_loss,test_accuracy");
        int layers = history.get(0).anglesDegrees().length;
        for (int i = 0; i < layers; i++) {
            s.append(",angle_").append(i);
        }
        for (String k : history.get(history.size() - 1).extra().keySet()) {
            s.append(',').append(k);
        }
        s.append('\n');
        for (EpochMetrics m : history) {
            s.append(m.epoch()).append(',').append(m.lr()).append(',').append(m.trainLoss()).append(',')
                    .append(m.trainAccuracy()).append(',').append(m.testLoss()).append(',').append(m.testAccuracy());
            for (double a : m.anglesDegrees()) {
                s.append(',').append(a);
            }
            for (String k : history.get(history.size() - 1).extra().keySet()) {
                s.append(',').append(m.extra().getOrDefault(k, Double.NaN));
            }
            s.append('\n');
        }
        return s.toString();
    }

    static String timingCsv(List<EpochMetrics> history, TrainConfig c) {
        StringBuilder s = new StringBuilder("epoch,seconds\n");
        for (EpochMetrics m : history) {
            s.append(m.epoch()).append(',').append(String.format(Locale.ROOT, "%.3f", m.seconds())).append('\n');
        }
        return s.toString();
    }

    /** Rows of metrics.csv up to and including the given epoch. */
    static List<EpochMetrics> readMetrics(Path file, int upToEpoch) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IoFailure(file + ": cannot read: " + e.getMessage(), e);
        }
        if (lines.isEmpty()) {
            throw new FormatException(file, "empty");
        }
        String[] head = lines.get(0).split(",");
        List<EpochMetrics> out = new ArrayList<>();
        for (int r = 1; r < lines.size(); r++) {
            String[] v = lines.get(r).split(",");
            if (v.length != head.length) {
                throw new FormatException(file, "line " + (r + 1) + " has " + v.length + " fields, expected " + head.length);
            }
            try {
                int epoch = Integer.parseInt(v[0]);
                if (epoch > upToEpoch) {
                    break;
                }
                List<Double> angles = new ArrayList<>();
                Map<String, Double> extra = new LinkedHashMap<>();
                for (int k = 6; k < v.length; k++) {
                    if (head[k].startsWith("angle_")) {
                        angles.add(Double.parseDouble(v[k]));
                    } else {
                        extra.put(head[k], Double.parseDouble(v[k]));
                    }
                }
                out.add(new EpochMetrics(epoch, Double.parseDouble(v[1]), Double.parseDouble(v[2]),
                        Double.parseDouble(v[3]), Double.parseDouble(v[4]), Double.parseDouble(v[5]),
                        angles.stream().mapToDouble(Double::doubleValue).toArray(), 0, extra));
            } catch (NumberFormatException e) {
                throw new FormatException(file, "line " + (r + 1) + ": " + e.getMessage());
            }
        }
        if (out.isEmpty() || out.get(out.size() - 1).epoch() != upToEpoch) {
            throw new FormatException(file, "has no row for epoch " + upToEpoch + ", the model's epoch");
        }
        return out;
    }
}
