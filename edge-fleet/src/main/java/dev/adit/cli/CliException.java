package dev.adit.cli;

/** A problem the person at the terminal can act on; printed as one line, no stack trace. */
public class CliException extends RuntimeException {
    public CliException(String message) {
        super(message, null, false, false);
    }
}
