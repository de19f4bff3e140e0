package dev.softalign.cli;

/** A command could not do what was asked; the message is the one line the user sees. */
public final class CommandFailure extends RuntimeException {

    public CommandFailure(String message) {
        super(message);
    }
}
