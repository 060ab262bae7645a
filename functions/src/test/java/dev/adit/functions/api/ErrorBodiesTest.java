package dev.adit.functions.api;

import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorBodiesTest {
    private final ApiClient api = LocalStack.api().client();

    private static void assertErrorBody(ApiClient.Response r, int status, String error) {
        assertEquals(status, r.status(), r::toString);
        assertEquals(error, r.text("error"), r::toString);
        assertTrue(r.body().get("message").asText().length() > 5, r::toString);
        assertEquals((status / 100) * 1000 + status % 100, r.body().get("code").asInt());
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        String raw = r.raw().body();
        assertFalse(raw.contains("Exception") || raw.contains("\tat ") || raw.contains("_links"), raw);
    }

    @Test
    void malformedJsonIsA400WithTheErrorBody() {
        var owner = api.signup();
        assertErrorBody(api.send("POST", "/v1/tunnels", owner.apiKey(), "{\"tunnel_name\": ", Map.of()), 400, "invalid_json");
        assertErrorBody(api.send("POST", "/v1/auth/signup", null, "not json at all", Map.of()), 400, "invalid_json");
        assertErrorBody(api.send("POST", "/v1/auth/keys", owner.apiKey(), "{\"name\": \"x\", \"permissions\": [\"tunnels:read\"],}", Map.of()), 400, "invalid_json");
        assertErrorBody(api.send("PATCH", "/v1/tunnels/" + java.util.UUID.randomUUID(), owner.apiKey(), "[1,2", Map.of()), 400, "invalid_json");
    }

    @Test
    void textAfterTheJsonValueOrAFieldGivenTwiceIsMalformed() {
        var owner = api.signup();
        String name = ApiClient.uniqueName("strict");
        assertErrorBody(api.send("POST", "/v1/tunnels", owner.apiKey(), "{\"tunnel_name\": \"" + name + "\"} junk", Map.of()), 400, "invalid_json");
        assertErrorBody(api.send("POST", "/v1/tunnels", owner.apiKey(), "{\"tunnel_name\": \"" + name + "\"}{}", Map.of()), 400, "invalid_json");
        assertErrorBody(api.send("POST", "/v1/tunnels", owner.apiKey(),
                "{\"tunnel_name\": \"" + name + "\", \"tunnel_name\": \"" + name + "-2\"}", Map.of()), 400, "invalid_json");
        assertErrorBody(api.send("POST", "/v1/auth/keys", owner.apiKey(),
                "{\"name\": \"k\", \"permissions\": [\"tunnels:read\"]} trailing", Map.of()), 400, "invalid_json");
        assertEquals(0, api.get("/v1/tunnels", owner.apiKey()).body().get("tunnels").size(), "nothing was created by any of these");

        String path = "/v1/tunnels/" + api.createTunnel(owner.apiKey(), name).get("id").asText();
        assertErrorBody(api.send("PATCH", path, owner.apiKey(), "{\"description\": \"a\"} junk", Map.of()), 400, "invalid_json");
        assertErrorBody(api.send("PATCH", path, owner.apiKey(), "{\"description\": \"a\", \"description\": \"b\"}", Map.of()), 400, "invalid_json");
        assertTrue(api.get(path, owner.apiKey()).body().get("description").isNull(), "the description was left alone");
    }

    @Test
    void aBodyThatIsNotCompressedAsItsHeaderSaysIsA400() {
        var owner = api.signup();
        for (String encoding : new String[]{"gzip", "deflate"}) {
            var r = api.send("POST", "/v1/tunnels", owner.apiKey(), "{\"tunnel_name\": \"" + ApiClient.uniqueName("enc") + "\"}",
                    Map.of("Content-Encoding", encoding));
            assertErrorBody(r, 400, "bad_request");
        }
        assertErrorBody(api.send("POST", "/v1/auth/signup", null, "{\"email\": \"x\"}", Map.of("Content-Encoding", "gzip")), 400, "bad_request");
        assertEquals(0, api.get("/v1/tunnels", owner.apiKey()).body().get("tunnels").size());
    }

    @Test
    void wrongTypesAndUnknownFieldsAre422NamingTheField() {
        var owner = api.signup();
        var number = api.send("POST", "/v1/tunnels", owner.apiKey(), "{\"tunnel_name\": \"typed-x1\", \"description\": 5}", Map.of());
        assertErrorBody(number, 422, "validation_error");
        assertEquals("description", number.text("field"));
        var array = api.send("POST", "/v1/tunnels", owner.apiKey(), "{\"tunnel_name\": [\"typed-x2\"]}", Map.of());
        assertErrorBody(array, 422, "validation_error");
        assertEquals("tunnel_name", array.text("field"));
        var scalar = api.send("POST", "/v1/auth/keys", owner.apiKey(), "{\"name\": \"n\", \"permissions\": \"tunnels:read\"}", Map.of());
        assertErrorBody(scalar, 422, "validation_error");
        assertEquals("permissions", scalar.text("field"));
        var unknown = api.send("POST", "/v1/tunnels", owner.apiKey(), "{\"tunnel_name\": \"typed-x3\", \"region\": \"eu\"}", Map.of());
        assertErrorBody(unknown, 422, "validation_error");
        assertEquals("region", unknown.text("field"));
        var nullScope = api.send("POST", "/v1/auth/keys", owner.apiKey(), "{\"name\": \"n\", \"permissions\": [\"tunnels:read\", null]}", Map.of());
        assertErrorBody(nullScope, 422, "validation_error");
        assertEquals("permissions", nullScope.text("field"));
        var limit = api.get("/v1/tunnels?limit=abc", owner.apiKey());
        assertErrorBody(limit, 422, "validation_error");
        assertEquals("limit", limit.text("field"));
        assertEquals(0, api.get("/v1/tunnels", owner.apiKey()).body().get("tunnels").size(), "nothing was created by any of these");
    }

    @Test
    void a401TellsTheClientToUseBearer() {
        var r = api.get("/v1/tunnels", null);
        assertErrorBody(r, 401, "unauthorized");
        assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"));
    }

    @Test
    void unknownRoutesAndMethodsAnswerInTheSameShape() {
        assertErrorBody(api.get("/v1/nothing-here", null), 404, "not_found");
        assertErrorBody(api.send("PUT", "/v1/auth/user", null, "{}", Map.of()), 405, "method_not_allowed");
    }

    @Test
    void aNonJsonContentTypeIsExplained() {
        var r = api.send("POST", "/v1/auth/login", null, "email=a", Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertTrue(r.status() == 415 || r.status() == 400, r::toString);
        assertFalse(r.raw().body().contains("Exception"));
        assertTrue(r.body().has("error") && r.body().has("code"), r::toString);
    }

    @Test
    void theOpenApiDocumentIsServed() {
        var r = api.get("/v1/openapi.yml", null);
        assertEquals(200, r.status());
        String doc = r.raw().body();
        assertTrue(doc.startsWith("openapi: 3"), doc.substring(0, 40));
        for (String path : new String[]{"/v1/tunnels:", "/v1/tunnels/{id}/restore:", "/v1/tunnels/{id}/force:",
                "/v1/auth/signup:", "/v1/auth/keys:", "/v1/tunnels/{id}/regenerate-token:"}) {
            assertTrue(doc.contains(path), "OpenAPI lacks " + path);
        }
        String schemas = doc.substring(doc.indexOf("components:"));
        assertTrue(schemas.contains("tunnel_name:") && schemas.contains("connect_secret:") && schemas.contains("api_key:"),
                "schemas use the wire's snake_case names");
        assertFalse(schemas.contains("tunnelName") || schemas.contains("apiKey"), "no camelCase property names");
    }
}
