package dev.softalign.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One command line run in-process, with its exit code and trimmed output and error text. */
record CommandRun(int code, String out, String err) {

    static CommandRun of(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new CommandRun(code, out.toString().trim(), err.toString().trim());
    }

    JsonObject json() {
        return JsonParser.parseString(out).getAsJsonObject();
    }
}
