package dev.softalign.cli;

import dev.softalign.data.Dataset;
import picocli.CommandLine.Option;

/** --split and --samples for analyses of a fixed data subset (Hessian, gradient flow, flatness). */
final class SubsetOptions {

    @Option(names = "--split", description = "train or test (default: ${DEFAULT-VALUE})")
    String split = "train";
    @Option(names = "--samples", description = "use the first N samples of the split (default: ${DEFAULT-VALUE})")
    int samples = 1000;

    /** The subset of the model's dataset these options name. */
    Dataset of(ModelOptions input) {
        return input.data(split, samples);
    }
}
