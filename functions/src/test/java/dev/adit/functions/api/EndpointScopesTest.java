package dev.adit.functions.api;

import dev.adit.functions.auth.Scopes;
import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.ApiServer;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scope table of docs/api.md, endpoint by endpoint: each needs its own scope, and a 403 names it. */
class EndpointScopesTest {
    private static ApiServer server;
    private static ApiClient api;

    @BeforeAll
    static void start() {
        // one organization makes every call here: the per-minute budgets are not what is tested
        server = LocalStack.start(Map.of(
                "adit.rate-limits.reads-per-minute", 10_000,
                "adit.rate-limits.writes-per-minute", 10_000,
                "adit.rate-limits.token-regenerations-per-hour", 10_000));
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private record Endpoint(String method, String path, Map<String, Object> body, List<String> scopes) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @Test
    void everyEndpointRequiresItsOwnScopeAndNamesItWhenMissing() {
        var owner = api.signup();
        String tunnel = "/v1/tunnels/" + api.createTunnel(owner.apiKey(), ApiClient.uniqueName("scoped")).get("id").asText();
        List<Endpoint> endpoints = List.of(
                new Endpoint("GET", "/v1/auth/user", null, List.of(Scopes.ACCOUNT_READ)),
                new Endpoint("GET", "/v1/auth/keys", null, List.of(Scopes.KEYS_MANAGE)),
                new Endpoint("POST", "/v1/auth/keys", Map.of("name", "k", "permissions", List.of(Scopes.KEYS_MANAGE)), List.of(Scopes.KEYS_MANAGE)),
                new Endpoint("DELETE", "/v1/auth/keys/key_doesnotexist", null, List.of(Scopes.KEYS_MANAGE)),
                new Endpoint("GET", "/v1/tunnels", null, List.of(Scopes.TUNNELS_READ)),
                new Endpoint("GET", tunnel, null, List.of(Scopes.TUNNELS_READ)),
                new Endpoint("GET", tunnel + "/stats", null, List.of(Scopes.TUNNELS_STATS)),
                new Endpoint("POST", "/v1/tunnels", null, List.of(Scopes.TUNNELS_WRITE)),
                new Endpoint("PATCH", tunnel, Map.of("description", "x"), List.of(Scopes.TUNNELS_WRITE)),
                new Endpoint("POST", tunnel + "/regenerate-token", null, List.of(Scopes.TUNNELS_WRITE)),
                new Endpoint("POST", tunnel + "/sign-csr", Map.of(), List.of(Scopes.TUNNELS_WRITE)),
                new Endpoint("DELETE", tunnel, null, List.of(Scopes.TUNNELS_DELETE)),
                new Endpoint("POST", tunnel + "/restore", null, List.of(Scopes.TUNNELS_DELETE)),
                new Endpoint("DELETE", tunnel + "/force", null, List.of(Scopes.TUNNELS_DELETE, Scopes.ADMIN_WRITE)));

        Map<List<String>, String> keys = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            for (String needed : endpoint.scopes()) {
                List<String> allBut = Scopes.ALL.stream().filter(s -> !s.equals(needed)).toList();
                var refused = call(endpoint, keys.computeIfAbsent(allBut, p -> key(owner.apiKey(), p)));
                if (refused.status() != 403 || !needed.equals(refused.text("required_scope"))) {
                    problems.add(endpoint + " without " + needed + " -> " + refused);
                }
            }
            var allowed = call(endpoint, keys.computeIfAbsent(endpoint.scopes(), p -> key(owner.apiKey(), p)));
            if (allowed.status() == 401 || allowed.status() == 403 || allowed.status() >= 500) {
                problems.add(endpoint + " with only " + endpoint.scopes() + " -> " + allowed);
            }
        }
        assertTrue(problems.isEmpty(), () -> String.join("\n", problems));
    }

    private static ApiClient.Response call(Endpoint endpoint, String key) {
        Map<String, Object> body = endpoint.body();
        if (endpoint.method().equals("POST") && endpoint.path().equals("/v1/tunnels")) {
            body = Map.of("tunnel_name", ApiClient.uniqueName("scope"));
        }
        return api.send(endpoint.method(), endpoint.path(), key, ApiClient.json(body), Map.of());
    }

    private static String key(String ownerKey, List<String> permissions) {
        var created = api.post("/v1/auth/keys", ownerKey, Map.of("name", "only " + permissions.size(), "permissions", permissions));
        assertEquals(201, created.status(), created::toString);
        return created.text("key");
    }
}
