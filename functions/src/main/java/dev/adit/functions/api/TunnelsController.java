package dev.adit.functions.api;

import dev.adit.functions.auth.Caller;
import dev.adit.functions.auth.Scopes;
import dev.adit.functions.errors.ApiException;
import dev.adit.functions.tunnels.Tunnel;
import dev.adit.functions.tunnels.TunnelPage;
import dev.adit.functions.tunnels.TunnelQueries;
import dev.adit.functions.tunnels.TunnelService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.Map;
import java.util.Optional;

@Controller("/v1/tunnels")
@Tag(name = "tunnels")
@SecurityRequirement(name = "bearer")
public class TunnelsController {
    private final TunnelService tunnels;
    private final TunnelQueries queries;
    private final Guard guard;
    private final Idempotent idempotent;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final dev.adit.functions.tunnels.TunnelCertificates certificates;

    public TunnelsController(TunnelService tunnels, TunnelQueries queries, Guard guard, Idempotent idempotent,
                             com.fasterxml.jackson.databind.ObjectMapper json,
                             dev.adit.functions.tunnels.TunnelCertificates certificates) {
        this.json = json;
        this.certificates = certificates;
        this.tunnels = tunnels;
        this.queries = queries;
        this.guard = guard;
        this.idempotent = idempotent;
    }

    @Post
    @ApiResponse(responseCode = "201", description = "the tunnel, with its connect_secret (shown once)", content = @Content(schema = @Schema(implementation = Tunnel.class)))
    @Operation(summary = "Create a tunnel; the connect_secret in the answer is shown once. Honours Idempotency-Key.")
    public HttpResponse<?> create(HttpRequest<?> request, @Nullable @Body Requests.CreateTunnel body) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_WRITE, Guard.Bucket.WRITE);
        Requests.CreateTunnel req = Optional.ofNullable(body).orElse(new Requests.CreateTunnel(null, null, null));
        return idempotent.run(request, caller, req, HttpStatus.CREATED,
                () -> tunnels.create(caller, req.tunnelName(), req.description(), req.tlsMode()));
    }

    @Get
    @Operation(summary = "The organization's tunnels, newest first, deleted ones excluded")
    public TunnelPage list(HttpRequest<?> request,
                           @Nullable @QueryValue @io.swagger.v3.oas.annotations.Parameter(description = "page size, 1-100 (default 50)") String limit,
                           @Nullable @QueryValue @io.swagger.v3.oas.annotations.Parameter(description = "next_cursor of the previous page") String cursor) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_READ, Guard.Bucket.READ);
        return queries.list(caller, Optional.ofNullable(limit), Optional.ofNullable(cursor));
    }

    @Get("/{id}")
    @Operation(summary = "One tunnel, with its live currently_connected flag")
    public Tunnel get(HttpRequest<?> request, @PathVariable String id) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_READ, Guard.Bucket.READ);
        return queries.get(caller, id);
    }

    @Get("/{id}/stats")
    @Operation(summary = "Requests served, bytes transferred and the agent connections live now")
    public TunnelQueries.Stats stats(HttpRequest<?> request, @PathVariable String id) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_STATS, Guard.Bucket.READ);
        return queries.stats(caller, id);
    }

    @Patch("/{id}")
    @Operation(summary = "Change the description; tunnel_name and tls_mode are immutable")
    public Tunnel update(HttpRequest<?> request, @PathVariable String id,
                         @Nullable @Body @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "{\"description\": \"...\"}; null clears it") String body) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_WRITE, Guard.Bucket.WRITE);
        return tunnels.update(caller, id, patchFields(body));
    }

    /** Read by hand because PATCH must tell "description": null (clear it) from no description at all. */
    private Map<String, Object> patchFields(String body) {
        if (body == null || body.isBlank()) {
            return Map.of();
        }
        try {
            var node = json.readTree(body);
            if (!node.isObject()) {
                throw ApiException.badRequest("invalid_json", "The request body must be a JSON object");
            }
            Map<String, Object> fields = new java.util.LinkedHashMap<>();
            node.fields().forEachRemaining(e -> fields.put(e.getKey(),
                    e.getValue().isNull() ? null : e.getValue().isTextual() ? e.getValue().asText() : e.getValue()));
            return fields;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", "The request body is not valid JSON");
        }
    }

    @Delete("/{id}")
    @Operation(summary = "Stop traffic and start the restore window (24 h); idempotent")
    public Tunnel delete(HttpRequest<?> request, @PathVariable String id) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_DELETE, Guard.Bucket.WRITE);
        return tunnels.delete(caller, id);
    }

    @Post("/{id}/restore")
    @Operation(summary = "Undo a delete within the restore window")
    public Tunnel restore(HttpRequest<?> request, @PathVariable String id) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_DELETE, Guard.Bucket.WRITE);
        return tunnels.restore(caller, id);
    }

    @Delete("/{id}/force")
    @Operation(summary = "Finalize a delete_pending tunnel now and free its name; admins only")
    public Tunnel forceDelete(HttpRequest<?> request, @PathVariable String id) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_DELETE, Guard.Bucket.WRITE);
        if (!caller.has(Scopes.ADMIN_WRITE)) {
            throw ApiException.forbidden(Scopes.ADMIN_WRITE,
                    "Force delete skips the restore window and needs an organization admin's key with admin:write");
        }
        return tunnels.forceDelete(caller, id);
    }

    @Post("/{id}/sign-csr")
    @Operation(summary = "Sign a passthrough tunnel's CSR with Adit's CA (90 days); awaiting_cert becomes active; a later CSR renews")
    public Tunnel signCsr(HttpRequest<?> request, @PathVariable String id, @Nullable @Body Requests.SignCsr body) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_WRITE, Guard.Bucket.WRITE);
        return certificates.signCsr(caller, id, Optional.ofNullable(body).map(Requests.SignCsr::csrPem).orElse(null));
    }

    @Post("/{id}/regenerate-token")
    @Operation(summary = "Issue a new connect_secret (shown once); agents using the old one are disconnected")
    public Tunnel regenerateToken(HttpRequest<?> request, @PathVariable String id) {
        Caller caller = guard.enter(request, Scopes.TUNNELS_WRITE, Guard.Bucket.WRITE);
        return tunnels.regenerateToken(caller, id);
    }
}
