package dev.adit.functions.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.idempotency.IdempotencyStore;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import jakarta.inject.Singleton;

import java.util.function.Supplier;

/** Runs a creating request at most once per Idempotency-Key and replays its first answer. */
@Singleton
public class Idempotent {
    public static final String HEADER = "Idempotency-Key";

    private final IdempotencyStore store;
    private final ObjectMapper json;

    public Idempotent(IdempotencyStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    public HttpResponse<?> run(HttpRequest<?> request, Caller caller, Object requestBody, HttpStatus success, Supplier<Object> action) {
        var key = request.getHeaders().findFirst(HEADER);
        if (key.isEmpty()) {
            return HttpResponse.status(success).body(action.get());
        }
        String fingerprint = IdempotencyStore.fingerprint(request.getMethodName(), request.getPath(), write(requestBody));
        IdempotencyStore.Claim claim = store.claim(caller, key.get(), fingerprint);
        if (claim instanceof IdempotencyStore.Claim.Replay replay) {
            return HttpResponse.status(HttpStatus.valueOf(replay.status()))
                    .contentType(MediaType.APPLICATION_JSON_TYPE)
                    .header("Idempotent-Replayed", "true")
                    .body(replay.body());
        }
        String body;
        try {
            body = write(action.get());
        } catch (RuntimeException failed) {
            store.release(caller, key.get());
            throw failed;
        }
        store.complete(caller, key.get(), success.getCode(), body);
        return HttpResponse.status(success).contentType(MediaType.APPLICATION_JSON_TYPE).body(body);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response serialization failed", e);
        }
    }
}
