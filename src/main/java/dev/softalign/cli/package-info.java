/**
 * The {@code softalign} command line (picocli): one class per subcommand, each annotated
 * {@code @Command} and found by {@link dev.softalign.cli.Commands} (a new command is its class,
 * with no list to extend); {@link dev.softalign.cli.Main} sets them up.
 *
 * <p>Commands parse options, call the layers below (learn, analysis, attack, experiment, report)
 * and print a readable summary, or one JSON object with {@code --json}. Shared options are mixins
 * ({@link dev.softalign.cli.ModelOptions}, {@link dev.softalign.cli.SubsetOptions}); output goes
 * through {@link dev.softalign.cli.Output}. Every failure, a bad option or a corrupt file alike,
 * ends as one line on stderr and a non-zero exit code ({@link dev.softalign.cli.CommandFailure}),
 * never a stack trace.
 */
package dev.softalign.cli;
