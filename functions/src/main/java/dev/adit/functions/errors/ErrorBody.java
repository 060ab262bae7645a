package dev.adit.functions.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error body of the API. {@code code} follows reference 001: 4000 + the last two digits
 * of the HTTP status for client errors (4001, 4003, 4029, ...), 5000 + them for server errors.
 */
public final class ErrorBody {
    private ErrorBody() {
    }

    public static Map<String, Object> of(int status, String error, String message, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        body.putAll(extra);
        body.put("code", code(status));
        return body;
    }

    public static int code(int status) {
        return (status / 100) * 1000 + status % 100;
    }

    /** A reason for a status the domain did not produce itself (framework-level errors). */
    public static String reasonFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 415 -> "unsupported_media_type";
            case 422 -> "validation_error";
            case 429 -> "rate_limited";
            case 503 -> "service_unavailable";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }
}
