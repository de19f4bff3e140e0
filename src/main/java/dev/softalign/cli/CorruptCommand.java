package dev.softalign.cli;

import dev.softalign.attack.Corruption;
import dev.softalign.attack.Corruptions;
import dev.softalign.data.Dataset;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    @Mixin
    DtypeOption dtype;
    @Option(names = "--corruption", split = ",", description = "subset, comma-separated (default: all four)")
    List<String> corruptions;
    @Option(names = "--samples", description = "first N test samples (default: all)")
    Integer samples;
    @Option(names = "--seed", description = "(default: ${DEFAULT-VALUE})")
    long seed = 1;
    @Option(names = "--json", description = "print {\"clean_accuracy\", \"results\": [{\"corruption\", \"severity\", \"parameter\", \"accuracy\", \"loss\"}], \"mean_accuracy\", \"skipped\", \"model\", \"samples\", \"clean_loss\", \"seed\"}; "
            + "mean_accuracy is null when no corruption applies")
    boolean json;

    record Model(String model) {
    }

    @Override
    public Integer call() {
        input.dtype(dtype.get());
        List<Corruption> list = new ArrayList<>();
        for (String c : corruptions == null ? List.<String>of() : corruptions) {
            list.add(Corruption.parse(c.trim()));
        }
        Dataset data = input.data("test", samples);
        for (Corruption c : list) {
            if (corruptions != null && !c.appliesTo(data.shape())) {
                throw new IllegalArgumentException("--corruption " + c.id() + " needs images, but " + data.name()
                        + " holds vectors of " + data.features() + " features");
            }
        }
        Corruptions.Report r = (corruptions == null ? Corruptions.create() : Corruptions.create().corruptions(list))
                .seed(seed).run(input.saved().net(), data);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.json(out, new Model(input.model.toString()), r);
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
