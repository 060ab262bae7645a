package dev.adit.functions.api;

import dev.adit.functions.auth.Caller;
import dev.adit.functions.auth.Scopes;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.oauth.OAuthClients;
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

@Controller("/v1/oauth/clients")
@Tag(name = "oauth")
@SecurityRequirement(name = "bearer")
public class OAuthClientsController {
    private final OAuthClients clients;
    private final Guard guard;
    private final Idempotent idempotent;

    public OAuthClientsController(OAuthClients clients, Guard guard, Idempotent idempotent) {
        this.clients = clients;
        this.guard = guard;
        this.idempotent = idempotent;
    }

    @Post
    @ApiResponse(responseCode = "201", description = "the client; a confidential client's secret is shown once",
            content = @Content(schema = @Schema(implementation = OAuthClients.RegisteredClient.class)))
    @Operation(summary = "Register an OAuth client (needs keys:manage or org:manage). Honours Idempotency-Key.")
    public HttpResponse<?> register(HttpRequest<?> request, @Nullable @Body Requests.RegisterClient body) {
        Caller caller = enter(request, Guard.Bucket.WRITE);
        Requests.RegisterClient req = Optional.ofNullable(body).orElse(new Requests.RegisterClient(null, null, null));
        return idempotent.run(request, caller, req, HttpStatus.CREATED,
                () -> clients.register(caller, req.name(), req.redirectUris(), req.clientType()));
    }

    @Get
    @Operation(summary = "The organization's OAuth clients (never their secrets)")
    public Map<String, List<OAuthClients.ClientView>> list(HttpRequest<?> request) {
        return Map.of("clients", clients.list(enter(request, Guard.Bucket.READ)));
    }

    @Get("/{clientId}")
    @Operation(summary = "One of the organization's OAuth clients")
    public OAuthClients.ClientView get(HttpRequest<?> request, @PathVariable String clientId) {
        return clients.get(enter(request, Guard.Bucket.READ), clientId);
    }

    @Delete("/{clientId}")
    @ApiResponse(responseCode = "204", description = "deleted; its tokens stop working")
    @Operation(summary = "Delete an OAuth client; every token issued to it stops working")
    public HttpResponse<Void> delete(HttpRequest<?> request, @PathVariable String clientId) {
        clients.delete(enter(request, Guard.Bucket.WRITE), clientId);
        return HttpResponse.noContent();
    }

    private Caller enter(HttpRequest<?> request, Guard.Bucket bucket) {
        Caller caller = guard.enter(request, Optional.empty(), bucket);
        if (!caller.has(Scopes.KEYS_MANAGE) && !caller.has(Scopes.ORG_MANAGE)) {
            throw ApiException.forbidden(Scopes.KEYS_MANAGE, "Insufficient permissions for this operation: it needs keys:manage or org:manage");
        }
        return caller;
    }
}
