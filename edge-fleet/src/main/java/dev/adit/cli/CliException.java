package dev.adit.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A problem the person at the terminal can act on; printed as one line, no stack trace. With
 * {@code --json} it is printed as the control API's error body instead ({@link #json()}):
 * {@code error} is a machine-readable reason, {@code code} the API's number for the nearest HTTP status.
 */
public class CliException extends RuntimeException {
    private final String error;
    private final int code;

    public CliException(String message) {
        this("cli_error", 4000, message);
    }

    /** {@code error}: the reason, in the API's snake_case; {@code code}: as the API derives it from a status (4004 for 404). */
    public CliException(String error, int code, String message) {
        super(message, null, false, false);
        this.error = error;
        this.code = code;
    }

    public String error() {
        return error;
    }

    public int code() {
        return code;
    }

    /** The error as the control API writes its own: {@code {"error":"not_found","message":"...","code":4004}}. */
    public ObjectNode json() {
        return body(error, getMessage(), code);
    }

    /** An error body of the API's shape, for errors that are not a {@code CliException}. */
    public static ObjectNode body(String error, String message, int code) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", error);
        body.put("message", message);
        body.put("code", code);
        return body;
    }

    /** The API's {@code code} for an HTTP status: 4000 or 5000 plus its last two digits. */
    static int codeFor(int status) {
        return (status >= 500 ? 5000 : 4000) + status % 100;
    }
}
