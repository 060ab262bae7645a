package dev.adit.functions.api;

import dev.adit.functions.errors.ErrorBody;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Every error the framework itself answers (unknown route, wrong method, malformed JSON, wrong
 * media type, an unexpected exception) in the same body as the domain's errors. Server errors
 * never echo the exception: it goes to the log, the caller gets a generic message.
 */
@Singleton
@Primary
public class ApiErrorResponses implements ErrorResponseProcessor<Map<String, Object>> {
    private static final Logger log = LoggerFactory.getLogger(ApiErrorResponses.class);

    @Override
    public MutableHttpResponse<Map<String, Object>> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        int status = response.getStatus().getCode();
        String message;
        if (status >= 500) {
            context.getRootCause().ifPresent(cause -> log.error("unhandled error on {} {}", context.getRequest().getMethod(),
                    context.getRequest().getPath(), cause));
            message = "Internal error; it has been logged";
        } else {
            message = describe(status, context);
        }
        var mismatch = context.getRootCause().flatMap(ApiErrorResponses::mismatchedField);
        if (mismatch.isPresent()) {
            // well-formed JSON with a field of the wrong type, or a field we do not know
            return response.status(HttpStatus.UNPROCESSABLE_ENTITY).contentType(MediaType.APPLICATION_JSON_TYPE)
                    .body(ErrorBody.of(422, "validation_error", mismatch.get().message(), Map.of("field", mismatch.get().field())));
        }
        String reason = status == 400 && looksLikeJsonProblem(context) ? "invalid_json" : ErrorBody.reasonFor(status);
        return response.contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(ErrorBody.of(status, reason, message, Map.of()));
    }

    private record Mismatch(String field, String message) {
    }

    private static java.util.Optional<Mismatch> mismatchedField(Throwable root) {
        for (Throwable t = root; t != null; t = t.getCause()) {
            if (t instanceof UnrecognizedPropertyException unknown) {
                return java.util.Optional.of(new Mismatch(unknown.getPropertyName(),
                        "unknown field '" + unknown.getPropertyName() + "'"));
            }
            if (t instanceof MismatchedInputException mismatched && !mismatched.getPath().isEmpty()) {
                String field = mismatched.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse("body");
                return java.util.Optional.of(new Mismatch(field, field + " has the wrong type"
                        + (mismatched.getTargetType() != null ? ": expected " + describe(mismatched.getTargetType()) : "")));
            }
        }
        return java.util.Optional.empty();
    }

    private static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        return "an object";
    }

    private static String describe(int status, ErrorContext context) {
        return switch (status) {
            case 404 -> "No such endpoint: " + context.getRequest().getMethod() + " " + context.getRequest().getPath();
            case 405 -> "Method " + context.getRequest().getMethod() + " is not allowed on " + context.getRequest().getPath();
            case 415 -> "Send the request body as JSON with the header 'Content-Type: application/json'";
            case 400 -> looksLikeJsonProblem(context)
                    ? "The request body is not valid JSON of the expected shape"
                    : context.getErrors().stream().map(Error::getMessage).findFirst()
                    .map(ApiErrorResponses::firstLine).orElse("Bad request");
            default -> context.getErrors().stream().map(Error::getMessage).findFirst()
                    .map(ApiErrorResponses::firstLine).orElse(HttpStatus.valueOf(status).getReason());
        };
    }

    private static boolean looksLikeJsonProblem(ErrorContext context) {
        return context.getRootCause().map(c -> {
            for (Throwable t = c; t != null; t = t.getCause()) {
                String name = t.getClass().getName();
                if (name.contains("Json") || name.contains("jackson") || name.contains("Codec") || name.contains("Conversion")) {
                    return true;
                }
            }
            return false;
        }).orElse(false);
    }

    /** Framework messages can quote the offending input at length; one trimmed line is enough. */
    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
