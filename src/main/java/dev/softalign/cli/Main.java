package dev.softalign.cli;

import dev.softalign.data.DataException;
import dev.softalign.io.IoFailure;
import dev.softalign.learn.TrainingDiverged;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code softalign} command: one subcommand per task (every command class of this package,
 * {@link Commands}); errors are one line and a non-zero exit.
 */
@Command(name = "softalign", mixinStandardHelpOptions = true, version = "softalign 0.1.0",
        description = "Learning without weight transport: train with BP, feedback alignment and one-time soft "
                + "alignment, then measure Hessian spectra, gradient flow, flatness and robustness.")
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Commands whose work is matrix products: their kernel is made (and its JIT warm-up begun) at once. */
    static final java.util.Set<String> COMPUTING = java.util.Set.of("train", "evaluate", "hessian", "gradflow", "attack",
            "corrupt", "flatness", "reproduce", "bench");

    public static void main(String[] args) {
        if (args.length > 0 && COMPUTING.contains(args[0])) {
            startKernel(args);
        }
        System.exit(run(args));
    }

    /**
     * Makes the command's kernel on a background thread, so loading the Vector API and compiling
     * the kernel (a short warm-up, {@code nn.KernelWarmUp}) overlap parsing and decoding the data
     * instead of delaying the first products. A failure here (a bad -Dsoftalign.threads) is left for
     * the command to report when it asks for its kernel. The precision is the command's --dtype.
     */
    private static void startKernel(String[] args) {
        Thread t = new Thread(() -> {
            try {
                dev.softalign.nn.Dtype dtype = dev.softalign.nn.Dtype.F64;
                for (int i = 0; i < args.length; i++) {
                    if (args[i].equals("--dtype") && i + 1 < args.length) {
                        dtype = dev.softalign.nn.Dtype.parse(args[i + 1]);
                    } else if (args[i].startsWith("--dtype=")) {
                        dtype = dev.softalign.nn.Dtype.parse(args[i].substring("--dtype=".length()));
                    }
                }
                dev.softalign.nn.MatMul.get(dtype);
            } catch (RuntimeException e) {
                // reported by the command itself
            }
        }, "softalign-kernel-start");
        t.setDaemon(true);
        t.start();
    }

    /** Runs a command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // Checks before large allocations should prevent this; if one is missed, still no stack trace.
            cl.getErr().println("softalign: error: out of memory (Java heap limit " + gigabytes(Runtime.getRuntime().maxMemory())
                    + "): ask for less (fewer --samples, a smaller network) or raise SOFTALIGN_HEAP");
            cl.getErr().flush();
            return 1;
        }
    }

    static String gigabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / 1e9);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        // Subcommands first: the settings below reach the subcommands present when they are made.
        for (Class<?> command : Commands.all()) {
            cl.addSubcommand(command);
        }
        cl.addSubcommand(CommandLine.HelpCommand.class);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // Every number option of every command: NaN, Infinity and 1e999 are not values anything can use.
        cl.registerConverter(Double.class, Main::finite);
        cl.registerConverter(double.class, Main::finite);
        // An empty path would silently mean the current folder: a run or report written all over it.
        cl.registerConverter(java.nio.file.Path.class, text -> {
            if (text.isBlank()) {
                throw new CommandLine.TypeConversionException("an empty path names no file or folder");
            }
            return java.nio.file.Path.of(text);
        });
        cl.setParameterExceptionHandler(Main::badParameter);
        cl.setExecutionExceptionHandler(Main::failed);
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static double finite(String text) {
        double v;
        try {
            v = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a finite number");
        }
        return v;
    }

    private static int badParameter(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println(e.getCommandLine().getCommandName() + ": " + oneLine(e.getMessage())
                + " (see --help)");
        err.flush();
        return 2;
    }

    private static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        String what = e instanceof IllegalArgumentException || e instanceof IoFailure || e instanceof DataException
                || e instanceof TrainingDiverged || e instanceof CommandFailure
                ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        err.println(cl.getCommandName() + ": error: " + oneLine(what));
        err.flush();
        return e instanceof TrainingDiverged ? 3 : 1;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
