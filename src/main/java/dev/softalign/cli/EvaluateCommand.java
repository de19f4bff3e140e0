package dev.softalign.cli;

import dev.softalign.data.Dataset;
import dev.softalign.nn.Evaluation;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Loss and accuracy of a saved model on a dataset split.")
final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions input;
    @Mixin
    DtypeOption dtype;
    @Option(names = "--split", description = "train or test (default: ${DEFAULT-VALUE})")
    String split = "test";
    @Option(names = "--samples", description = "evaluate only the first N samples (default: all)")
    Integer samples;
    @Option(names = "--json", description = "print {\"accuracy\", \"loss\", \"samples\"}")
    boolean json;

    @Override
    public Integer call() {
        input.dtype(dtype.get());
        Dataset d = input.data(split, samples);
        Evaluation e = Evaluation.of(input.saved().net(), d);
        if (json) {
            Output.json(spec.commandLine().getOut(), e);
        } else {
            spec.commandLine().getOut().println(d.name() + ": " + e);
        }
        return 0;
    }
}
