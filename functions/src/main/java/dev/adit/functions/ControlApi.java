package dev.adit.functions;

import io.micronaut.runtime.Micronaut;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.servers.Server;

/** The control API as a standalone HTTP server (the Lambda entry point is {@link dev.adit.functions.lambda.ApiHandler}). */
@OpenAPIDefinition(
        info = @Info(title = "Adit control API", version = "v1",
                description = "Accounts, API keys and the tunnel lifecycle of Adit, a self-hostable tunnel service."),
        servers = @Server(url = "http://127.0.0.1:8080", description = "local ./adit server"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API key (it_ + 16 characters) from signup, login or POST /v1/auth/keys")
public final class ControlApi {
    private ControlApi() {
    }

    public static void main(String[] args) {
        Micronaut.run(ControlApi.class, args);
    }
}
