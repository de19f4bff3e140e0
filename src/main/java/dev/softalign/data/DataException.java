package dev.softalign.data;

/**
 * A dataset could not be found or read. The message is always one line, starting with the file
 * or dataset concerned, so that the command-line tools can print it as is without a stack trace.
 */
public class DataException extends RuntimeException {

    public DataException(String message) {
        super(oneLine(message));
    }

    public DataException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
