package dev.softalign.cli;

import dev.softalign.analysis.GradientFlow;
import dev.softalign.analysis.GradientFlowReport;
import dev.softalign.data.Dataset;
import dev.softalign.learn.Rule;
import dev.softalign.nn.BackwardPath;
import dev.softalign.nn.ModelFile;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "gradflow", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Gradient flow of a saved model on the first N samples of a split: per layer, the true gradient "
                + "against the rule's update (norms, cosine), backward-signal norms along both paths, singular values of "
                + "the error-propagation Jacobian (output error to each layer's input) and the angle between B and W.",
                "JSON keys (arrays indexed by layer): grad_norm_true, grad_norm_rule, grad_cosine, delta_norm_true, "
                + "delta_norm_rule, jacobian_sv_max_{true,rule}, jacobian_sv_min_{true,rule}, "
                + "jacobian_sv_std_{true,rule} (spread of the largest over samples), jacobian_condition_{true,rule}, "
                + "jacobian_singular_values_{true,rule} (per layer, mean per index), angles_degrees; "
                + "and rule, path, samples, jacobian_samples, loss. A value that does not exist (e.g. the B/W angle of a "
                + "direct-feedback layer) is null."})
final class GradflowCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions input;
    @Mixin
    SubsetOptions subset;
    @Option(names = "--jacobian-samples", description = "samples for the Jacobian singular values (default: ${DEFAULT-VALUE})")
    int jacobianSamples = GradientFlow.DEFAULT_JACOBIAN_SAMPLES;
    @Option(names = "--rule", description = "rule whose backward path to compare (default: the model's)")
    String rule;
    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() {
        if (jacobianSamples < 0) {
            throw new IllegalArgumentException("--jacobian-samples must be >= 0, got " + jacobianSamples);
        }
        ModelFile.Saved saved = input.saved();
        String ruleId = rule != null ? rule : saved.rule();
        BackwardPath path = Rule.parse(ruleId, 1.0).path();
        try {
            path.check(saved.net());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--rule " + ruleId + " on " + input.model + ": " + e.getMessage());
        }
        Dataset d = subset.of(input);
        GradientFlowReport s = GradientFlowReport.of(GradientFlow.of(saved.net(), path, d, jacobianSamples));
        PrintWriter o = spec.commandLine().getOut();
        if (json) {
            Output.json(o, new RuleName(ruleId), s);
            return 0;
        }
        o.println(saved.net() + ", rule " + ruleId + " (" + s.path() + " path), " + s.samples() + " samples, loss "
                + Output.fmt(s.loss()));
        o.println("layer  |grad|     |update|   cos      |delta| true  |delta| rule  Jsv max true/rule   cond true/rule     angle");
        for (int i = 0; i < s.gradCosine().length; i++) {
            o.println(String.format(Locale.ROOT, "%5d  %-9.3e  %-9.3e  %-7.4f  %-12.4e  %-12.4e  %-8.3g %-8.3g  %-8.3g %-8.3g  %.1f",
                    i, s.gradNormTrue()[i], s.gradNormRule()[i], s.gradCosine()[i], s.deltaNormTrue()[i],
                    s.deltaNormRule()[i], s.jacobianSvMaxTrue()[i], s.jacobianSvMaxRule()[i],
                    s.jacobianConditionTrue()[i], s.jacobianConditionRule()[i], s.anglesDegrees()[i]));
        }
        o.flush();
        return 0;
    }

    /** The rule whose path was compared, as named on the command line or in the model file. */
    record RuleName(String rule) {
    }
}
