package dev.softalign.io;

import java.nio.file.Path;

/** A file that exists and was read but does not follow its format; the message names the file. */
public class FormatException extends IoFailure {

    public FormatException(Path file, String reason) {
        super(file + ": " + reason);
    }

    public FormatException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason, cause);
    }
}
