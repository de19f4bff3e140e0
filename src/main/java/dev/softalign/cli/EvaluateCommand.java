package dev.softalign.cli;

import dev.softalign.data.Dataset;
import dev.softalign.data.Datasets;
import dev.softalign.data.Split;
import dev.softalign.learn.Evaluation;
import dev.softalign.nn.ModelFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Loss and accuracy of a saved model on a dataset split.")
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "model.safetensors file")
    Path model;
    @Option(names = "--dataset", description = "dataset name (default: ${DEFAULT-VALUE})")
    String dataset = Datasets.DEFAULT;
    @Option(names = "--split", description = "train or test (default: ${DEFAULT-VALUE})")
    String split = "test";
    @Option(names = "--samples", description = "evaluate only the first N samples (default: all)")
    Integer samples;
    @Option(names = "--json", description = "print {\"accuracy\", \"loss\", \"samples\"}")
    boolean json;

    @Override
    public Integer call() {
        ModelFile.Saved saved = ModelFile.load(model);
        Dataset d = select(Datasets.load(dataset), split, samples);
        Evaluation e = Evaluation.of(saved.net(), d);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("accuracy", e.accuracy());
            m.put("loss", e.loss());
            m.put("samples", e.samples());
            Output.json(spec.commandLine().getOut(), m);
        } else {
            spec.commandLine().getOut().println(d.name() + ": " + e);
        }
        return 0;
    }

    /** The named split, optionally cut to its first n samples; bad names and counts are one-line errors. */
    static Dataset select(Split s, String split, Integer n) {
        Dataset d;
        if ("test".equals(split)) {
            d = s.test();
        } else if ("train".equals(split)) {
            d = s.train();
        } else {
            throw new IllegalArgumentException("--split must be train or test, got '" + split + "'");
        }
        if (n != null) {
            if (n < 1) {
                throw new IllegalArgumentException("--samples must be >= 1, got " + n);
            }
            d = d.first(n);
        }
        return d;
    }
}
