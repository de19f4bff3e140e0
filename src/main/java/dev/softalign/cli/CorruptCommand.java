package dev.softalign.cli;

import dev.softalign.attack.Corruption;
import dev.softalign.attack.Corruptions;
import dev.softalign.data.Dataset;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "corrupt", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Accuracy under input corruptions at severities 1..5: gaussian-noise (std 0.08..0.38), "
                + "salt-and-pepper (fraction 0.03..0.27), gaussian-blur (sigma 0.4..1.0 px), contrast (factor 0.75..0.15).",
                "Example: softalign corrupt --model runs/bp/model.safetensors --json"})
final class CorruptCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions input;
    @Option(names = "--corruption", split = ",", description = "subset, comma-separated (default: all four)")
    List<String> corruptions;
    @Option(names = "--samples", description = "first N test samples (default: all)")
    Integer samples;
    @Option(names = "--seed", description = "(default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--json", description = "print {\"clean_accuracy\", \"results\": [{\"corruption\", \"severity\", \"parameter\", \"accuracy\", \"loss\"}], \"mean_accuracy\", \"skipped\"}")
    boolean json;

    @Override
    public Integer call() {
        List<Corruption> list = new ArrayList<>();
        if (corruptions == null) {
            list.addAll(List.of(Corruption.values()));
        } else {
            for (String c : corruptions) {
                list.add(Corruption.parse(c.trim()));
            }
        }
        Dataset data = input.data("test", samples);
        for (Corruption c : list) {
            if (corruptions != null && !c.appliesTo(data.shape())) {
                throw new IllegalArgumentException("--corruption " + c.id() + " needs images, but " + data.name()
                        + " holds vectors of " + data.features() + " features");
            }
        }
        Corruptions.Report r = Corruptions.evaluate(input.saved().net(), data, list, seed);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", input.model.toString());
            m.put("samples", r.samples());
            m.put("clean_accuracy", r.cleanAccuracy());
            m.put("clean_loss", r.cleanLoss());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Corruptions.Row row : r.rows()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("corruption", row.corruption());
                e.put("severity", row.severity());
                e.put("parameter", row.parameter());
                e.put("accuracy", row.accuracy());
                e.put("loss", row.loss());
                rows.add(e);
            }
            m.put("results", rows);
            m.put("mean_accuracy", r.meanAccuracy());
            m.put("skipped", r.skipped());
            m.put("seed", seed);
            Output.json(out, m);
            return 0;
        }
        out.printf(Locale.ROOT, "%s on %d samples of %s: clean accuracy %.4f%n", input.saved().net(), r.samples(), data.name(),
                r.cleanAccuracy());
        String last = "";
        for (Corruptions.Row row : r.rows()) {
            if (!row.corruption().equals(last)) {
                out.printf("%s:%n", row.corruption());
                last = row.corruption();
            }
            out.printf(Locale.ROOT, "  severity %d (%s)  accuracy %.4f  loss %.4f%n", row.severity(), row.parameter(),
                    row.accuracy(), row.loss());
        }
        out.printf(Locale.ROOT, "mean corrupted accuracy %.4f%n", r.meanAccuracy());
        for (String s : r.skipped()) {
            out.println("skipped " + s + ": the samples are not images");
        }
        out.flush();
        return 0;
    }
}
