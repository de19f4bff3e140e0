package dev.softalign.cli;

import dev.softalign.report.ImageFormat;
import dev.softalign.report.RunReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write an HTML report of a training run: <run>/report/index.html with training curves, "
                + "alignment angles per layer, the config and the final metrics (charts as PNG with their data as CSV).",
                "Example: softalign report runs/fa-d5-a0.5-s1"})
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "run folder written by softalign train (holds metrics.csv)")
    Path run;
    @Option(names = "--out", description = "report folder (default: RUN/report)")
    Path out;
    @Option(names = "--format", description = "png or svg (default: ${DEFAULT-VALUE})")
    String format = "png";
    @Option(names = "--json", description = "print {\"report\": path}")
    boolean json;

    /** The --json answer: the report's index.html. */
    record Written(String report) {
    }

    @Override
    public Integer call() {
        ImageFormat f = ImageFormat.parse(format);
        Path dir = out != null ? out : run.resolve("report");
        Path index = RunReport.of(run).write(dir, f);
        if (json) {
            Output.json(spec.commandLine().getOut(), new Written(index.toString()));
        } else {
            spec.commandLine().getOut().println("wrote " + index);
        }
        return 0;
    }
}
