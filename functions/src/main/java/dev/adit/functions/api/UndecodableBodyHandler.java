package dev.adit.functions.api;

import dev.adit.functions.errors.ErrorBody;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.netty.handler.codec.compression.DecompressionException;
import jakarta.inject.Singleton;

import java.util.Map;

/**
 * A body that says {@code Content-Encoding: gzip} (or deflate) but is not is the client's mistake:
 * a 400 in the usual error body, not the 500 the HTTP server would make of the decoder's failure.
 */
@Singleton
@Requires(classes = {DecompressionException.class, ExceptionHandler.class})
public class UndecodableBodyHandler implements ExceptionHandler<DecompressionException, HttpResponse<Map<String, Object>>> {
    @Override
    public HttpResponse<Map<String, Object>> handle(HttpRequest request, DecompressionException exception) {
        return HttpResponse.<Map<String, Object>>status(HttpStatus.BAD_REQUEST)
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(ErrorBody.of(400, "bad_request",
                        "The request body does not match its Content-Encoding header: send it uncompressed, or compressed as the header says", Map.of()));
    }
}
