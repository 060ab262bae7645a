package dev.adit.functions.api;

import dev.adit.functions.auth.AccountService;
import dev.adit.functions.auth.AccountViews;
import dev.adit.functions.auth.Caller;
import dev.adit.functions.auth.Scopes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.Optional;

@Controller("/v1/auth")
@Tag(name = "auth")
public class AuthController {
    private final AccountService accounts;
    private final Guard guard;
    private final dev.adit.functions.keys.KeyService keys;

    public AuthController(AccountService accounts, Guard guard, dev.adit.functions.keys.KeyService keys) {
        this.accounts = accounts;
        this.guard = guard;
        this.keys = keys;
    }

    @Post("/signup")
    @ApiResponse(responseCode = "201", description = "the new user and their first API key (shown once)",
            content = @Content(schema = @Schema(implementation = AccountViews.Credentials.class)))
    @Operation(summary = "Create a user and their organization; answers with the first API key (shown once)")
    public HttpResponse<AccountViews.Credentials> signup(HttpRequest<?> request, @Nullable @Body Requests.Signup body) {
        Requests.Signup req = Optional.ofNullable(body).orElse(new Requests.Signup(null, null, null));
        return HttpResponse.created(accounts.signup(req.email(), req.password(), req.name(), clientAddress(request)));
    }

    @Post("/login")
    @Operation(summary = "Exchange email and password for a new API key, for the user's first organization or the organization_id given")
    public AccountViews.Credentials login(HttpRequest<?> request, @Nullable @Body Requests.Login body) {
        Requests.Login req = Optional.ofNullable(body).orElse(new Requests.Login(null, null, null));
        return accounts.login(req.email(), req.password(), Optional.ofNullable(req.organizationId()), clientAddress(request));
    }

    private static String clientAddress(HttpRequest<?> request) {
        var remote = request.getRemoteAddress();
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    @Post("/logout")
    @ApiResponse(responseCode = "204", description = "the calling key is revoked")
    @Operation(summary = "Revoke the API key this request is made with")
    @SecurityRequirement(name = "bearer")
    public HttpResponse<Void> logout(HttpRequest<?> request) {
        Caller caller = guard.enter(request, Optional.empty(), Guard.Bucket.NONE);
        accounts.logout(caller);
        return HttpResponse.noContent();
    }

    @Get("/key")
    @Operation(summary = "The API key this request is made with: name, permissions, expiry (masked)")
    @SecurityRequirement(name = "bearer")
    public dev.adit.functions.keys.KeyService.KeyView key(HttpRequest<?> request) {
        Caller caller = guard.enter(request, Optional.empty(), Guard.Bucket.READ);
        return keys.current(caller);
    }

    @Get("/user")
    @Operation(summary = "The calling user, their organization and its usage")
    @SecurityRequirement(name = "bearer")
    public AccountViews.Profile user(HttpRequest<?> request) {
        Caller caller = guard.enter(request, Scopes.ACCOUNT_READ, Guard.Bucket.READ);
        return accounts.profile(caller);
    }
}
