package dev.adit.functions.api;

import dev.adit.functions.errors.ErrorBody;
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
        String reason = status == 400 && looksLikeJsonProblem(context) ? "invalid_json" : ErrorBody.reasonFor(status);
        return response.contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(ErrorBody.of(status, reason, message, Map.of()));
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
