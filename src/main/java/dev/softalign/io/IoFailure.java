package dev.softalign.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * An I/O error with a one-line message that names the file, suitable for printing to a user
 * as is. Unchecked so that callers deep in a training loop need not thread IOException through.
 */
public class IoFailure extends RuntimeException {

    public IoFailure(String message) {
        super(oneLine(message));
    }

    public IoFailure(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** "{@code file}: {@code what}: {@code reason of e}". */
    public static IoFailure of(Path file, String what, IOException e) {
        return new IoFailure(file + ": " + what + ": " + describe(e), e);
    }

    /**
     * FileSystemException subclasses often carry only a file name as their message; this adds
     * the missing reason so "/x/y" becomes "/x/y: permission denied".
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException fse && fse.getReason() == null) {
            String file = fse.getFile() == null ? "" : fse.getFile() + ": ";
            String reason;
            if (e instanceof AccessDeniedException) {
                reason = "permission denied";
            } else if (e instanceof NoSuchFileException) {
                reason = "no such file or directory";
            } else if (e instanceof FileAlreadyExistsException) {
                reason = "already exists and is not a directory";
            } else if (e instanceof NotDirectoryException) {
                reason = "not a directory";
            } else if (e instanceof DirectoryNotEmptyException) {
                reason = "directory not empty";
            } else {
                reason = e.getClass().getSimpleName();
            }
            return file + reason;
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static String oneLine(String message) {
        return message == null ? null : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
