package dev.softalign.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Listed so that {@code softalign --help} shows it; the launcher script starts JShell itself
 * (JShell cannot be opened from inside this JVM with the right flags), so this only runs when
 * the jar is started some other way, and then says how to open it.
 */
@Command(name = "jshell", mixinStandardHelpOptions = true,
        description = {"Open JShell with softalign's classpath, the Vector API flag and a start-up that imports the API "
                + "(src/main/jshell/startup.jsh). Example scripts: examples/*.jsh.",
                "Three lines: var c = TrainConfig.defaults().rule(\"fa\").align(0.5).epochs(1); var m = train(c); "
                + "topEigenvalue(m)"})
final class JshellCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandFailure("start JShell through the launcher: ./softalign jshell [script.jsh]");
    }
}
