package dev.adit.functions.api;

import dev.adit.functions.auth.Caller;
import dev.adit.functions.auth.Scopes;
import dev.adit.functions.keys.KeyService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;
import java.util.Map;
import java.util.Optional;

@Controller("/v1/auth/keys")
@Tag(name = "keys")
@SecurityRequirement(name = "bearer")
public class KeysController {
    private final KeyService keys;
    private final Guard guard;
    private final Idempotent idempotent;

    public KeysController(KeyService keys, Guard guard, Idempotent idempotent) {
        this.keys = keys;
        this.guard = guard;
        this.idempotent = idempotent;
    }

    @Get
    @Operation(summary = "The caller's API keys, masked")
    public Map<String, List<KeyService.KeyView>> list(HttpRequest<?> request) {
        Caller caller = guard.enter(request, Scopes.KEYS_MANAGE, Guard.Bucket.READ);
        return Map.of("keys", keys.list(caller));
    }

    @Post
    @ApiResponse(responseCode = "201", description = "the key, shown once", content = @Content(schema = @Schema(implementation = KeyService.CreatedKey.class)))
    @Operation(summary = "Create an API key with the given permissions; the key is shown once. Honours Idempotency-Key.")
    public HttpResponse<?> create(HttpRequest<?> request, @Nullable @Body Requests.CreateKey body) {
        Caller caller = guard.enter(request, Scopes.KEYS_MANAGE, Guard.Bucket.WRITE);
        Requests.CreateKey req = Optional.ofNullable(body).orElse(new Requests.CreateKey(null, null));
        return idempotent.run(request, caller, req, HttpStatus.CREATED, () -> keys.create(caller, req.name(), req.permissions()));
    }

    @Delete("/{id}")
    @ApiResponse(responseCode = "204", description = "revoked")
    @Operation(summary = "Revoke one of the caller's API keys")
    public HttpResponse<Void> revoke(HttpRequest<?> request, @PathVariable String id) {
        Caller caller = guard.enter(request, Scopes.KEYS_MANAGE, Guard.Bucket.WRITE);
        keys.revoke(caller, id);
        return HttpResponse.noContent();
    }
}
