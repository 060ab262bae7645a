package dev.adit.functions.errors;

import java.util.Map;

/**
 * A refusal the caller can act on: it becomes the documented error body
 * {@code {"error", "message", "code"}} with the HTTP status. Thrown by domain code, rendered by
 * the web adapter; never carries a secret.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String error;
    private final Map<String, Object> extra;
    private final Map<String, String> headers;

    public ApiException(int status, String error, String message) {
        this(status, error, message, Map.of(), Map.of());
    }

    public ApiException(int status, String error, String message, Map<String, Object> extra, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.extra = Map.copyOf(extra);
        this.headers = Map.copyOf(headers);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** Fields beyond error/message/code, e.g. required_scope, retry_after, field. */
    public Map<String, Object> extra() {
        return extra;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public Map<String, Object> body() {
        return ErrorBody.of(status, error, getMessage(), extra);
    }

    public static ApiException badRequest(String error, String message) {
        return new ApiException(400, error, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, Map.of(), Map.of("WWW-Authenticate", "Bearer realm=\"adit\""));
    }

    public static ApiException forbidden(String requiredScope, String message) {
        return new ApiException(403, "forbidden", message, Map.of("required_scope", requiredScope), Map.of());
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    public static ApiException conflict(String error, String message) {
        return new ApiException(409, error, message);
    }

    /** 422 naming the offending field, so a client can point at it. */
    public static ApiException invalid(String field, String message) {
        return new ApiException(422, "validation_error", message, Map.of("field", field), Map.of());
    }

    public static ApiException rateLimited(String message, long retryAfterSeconds, Map<String, String> headers) {
        long retry = Math.max(1, retryAfterSeconds);
        var all = new java.util.HashMap<>(headers);
        all.put("Retry-After", Long.toString(retry));
        return new ApiException(429, "rate_limited", message, Map.of("retry_after", retry), all);
    }
}
