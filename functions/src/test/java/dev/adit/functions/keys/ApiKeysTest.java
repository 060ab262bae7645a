package dev.adit.functions.keys;

import dev.adit.functions.testing.ApiClient;
import dev.adit.functions.testing.LocalStack;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeysTest {
    private final ApiClient api = LocalStack.api().client();

    @Test
    void aCreatedKeyIsShownOnceAndListedMasked() {
        var owner = api.signup();
        var created = api.post("/v1/auth/keys", owner.apiKey(), Map.of("name", "CI/CD Key", "permissions", List.of("tunnels:read")));
        assertEquals(201, created.status(), created::toString);
        String key = created.text("key");
        assertTrue(key.matches("it_[0-9A-Za-z]{16}"));
        assertTrue(created.text("id").startsWith("key_"));
        assertEquals(List.of("tunnels:read"), List.of(created.body().get("permissions").get(0).asText()));

        var listed = api.get("/v1/auth/keys", owner.apiKey());
        assertEquals(200, listed.status());
        var entry = findById(listed.body().get("keys"), created.text("id"));
        assertEquals("it_***..." + key.substring(key.length() - 3), entry.get("key").asText());
        assertEquals("CI/CD Key", entry.get("name").asText());
        assertTrue(entry.has("last_used"));
        assertTrue(entry.has("created_at"));
        assertFalse(listed.raw().body().contains(key), "the full key is never listed");
        assertFalse(listed.raw().body().contains(owner.apiKey()));
    }

    @Test
    void anyKeyCanReadItsOwnDescription() {
        var owner = api.signup();
        var created = api.post("/v1/auth/keys", owner.apiKey(), Map.of("name", "narrow", "permissions", List.of("tunnels:read")));
        var self = api.get("/v1/auth/key", created.text("key"));
        assertEquals(200, self.status(), self::toString);
        assertEquals(created.text("id"), self.text("id"));
        assertEquals("tunnels:read", self.body().get("permissions").get(0).asText());
        assertTrue(self.text("key").startsWith("it_***..."));
        assertTrue(self.body().get("expires_at").isNull());
    }

    @Test
    void lastUsedIsRecordedWhenAKeyIsUsed() {
        var owner = api.signup();
        var created = api.post("/v1/auth/keys", owner.apiKey(), Map.of("name", "reader", "permissions", List.of("tunnels:read")));
        assertEquals(200, api.get("/v1/tunnels", created.text("key")).status());
        var entry = findById(api.get("/v1/auth/keys", owner.apiKey()).body().get("keys"), created.text("id"));
        assertFalse(entry.get("last_used").isNull(), entry::toString);

        for (int i = 0; i < 3; i++) {
            assertEquals(200, api.get("/v1/tunnels", created.text("key")).status());
        }
        var later = findById(api.get("/v1/auth/keys", owner.apiKey()).body().get("keys"), created.text("id"));
        assertEquals(entry.get("last_used").asText(), later.get("last_used").asText(), "last_used is written at most once a minute");
    }

    @Test
    void aScopedKeyIsForbiddenOutsideItsScopesAndNamesTheScope() {
        var owner = api.signup();
        String reader = api.post("/v1/auth/keys", owner.apiKey(), Map.of("name", "r", "permissions", List.of("tunnels:read"))).text("key");
        assertEquals(200, api.get("/v1/tunnels", reader).status());
        var write = api.post("/v1/tunnels", reader, Map.of("tunnel_name", ApiClient.uniqueName("nope")));
        assertEquals(403, write.status());
        assertEquals("forbidden", write.text("error"));
        assertEquals("tunnels:write", write.text("required_scope"));
        assertEquals(403, api.get("/v1/auth/user", reader).status());
        assertEquals("account:read", api.get("/v1/auth/user", reader).text("required_scope"));

        String wildcard = api.post("/v1/auth/keys", owner.apiKey(), Map.of("name", "w", "permissions", List.of("tunnels:*"))).text("key");
        assertEquals(201, api.post("/v1/tunnels", wildcard, Map.of("tunnel_name", ApiClient.uniqueName("wild"))).status());
        assertEquals(403, api.get("/v1/auth/keys", wildcard).status());
    }

    @Test
    void aKeyNeverGrantsMoreThanItsCreatorHolds() {
        var owner = api.signup();
        String manager = api.post("/v1/auth/keys", owner.apiKey(),
                Map.of("name", "m", "permissions", List.of("keys:manage", "tunnels:read"))).text("key");
        var escalation = api.post("/v1/auth/keys", manager, Map.of("name", "x", "permissions", List.of("tunnels:write")));
        assertEquals(403, escalation.status(), escalation::toString);
        assertEquals("tunnels:write", escalation.text("required_scope"));
        var wildcard = api.post("/v1/auth/keys", manager, Map.of("name", "x", "permissions", List.of("tunnels:*")));
        assertEquals(403, wildcard.status());
        assertEquals(201, api.post("/v1/auth/keys", manager, Map.of("name", "ok", "permissions", List.of("tunnels:read"))).status());
    }

    @Test
    void aNarrowKeyCannotRevokeABroaderOne() {
        var owner = api.signup();
        var ownerKeyId = api.get("/v1/auth/keys", owner.apiKey()).body().get("keys").get(0).get("id").asText();
        String manager = api.post("/v1/auth/keys", owner.apiKey(),
                Map.of("name", "m", "permissions", List.of("keys:manage", "tunnels:read"))).text("key");
        var refused = api.delete("/v1/auth/keys/" + ownerKeyId, manager);
        assertEquals(403, refused.status(), refused::toString);
        assertEquals(200, api.get("/v1/auth/user", owner.apiKey()).status(), "the owner's key still works");
        String reader = api.post("/v1/auth/keys", manager, Map.of("name", "r", "permissions", List.of("tunnels:read"))).text("id");
        assertEquals(204, api.delete("/v1/auth/keys/" + reader, manager).status());
    }

    @Test
    void loginKeysExpireAndSayWhen() {
        var owner = api.signup();
        api.post("/v1/auth/login", null, Map.of("email", owner.email(), "password", "correct horse battery"));
        var keys = api.get("/v1/auth/keys", owner.apiKey()).body().get("keys");
        boolean loginKeyExpires = false;
        for (var k : keys) {
            if (k.get("name").asText().equals("Login key")) {
                var expires = java.time.Instant.parse(k.get("expires_at").asText());
                loginKeyExpires = expires.isAfter(java.time.Instant.now().plus(java.time.Duration.ofDays(29)));
            } else {
                assertTrue(k.get("expires_at").isNull(), "keys made on purpose do not expire");
            }
        }
        assertTrue(loginKeyExpires, keys::toString);
    }

    @Test
    void badPermissionsAndNamesAre422() {
        var owner = api.signup();
        var unknown = api.post("/v1/auth/keys", owner.apiKey(), Map.of("name", "x", "permissions", List.of("tunnels:fly")));
        assertEquals(422, unknown.status());
        assertEquals("permissions", unknown.text("field"));
        assertEquals(422, api.post("/v1/auth/keys", owner.apiKey(), Map.of("name", "x", "permissions", List.of())).status());
        var noName = api.post("/v1/auth/keys", owner.apiKey(), Map.of("permissions", List.of("tunnels:read")));
        assertEquals(422, noName.status());
        assertEquals("name", noName.text("field"));
    }

    @Test
    void aRevokedKeyStopsWorkingAndOthersKeysAreNotFound() {
        var owner = api.signup();
        var intruder = api.signup();
        var created = api.post("/v1/auth/keys", owner.apiKey(), Map.of("name", "tmp", "permissions", List.of("tunnels:read")));
        String id = created.text("id");
        assertEquals(404, api.delete("/v1/auth/keys/" + id, intruder.apiKey()).status());
        assertEquals(200, api.get("/v1/tunnels", created.text("key")).status());
        assertEquals(204, api.delete("/v1/auth/keys/" + id, owner.apiKey()).status());
        assertEquals(401, api.get("/v1/tunnels", created.text("key")).status());
        assertEquals(404, api.delete("/v1/auth/keys/" + id, owner.apiKey()).status());
        assertEquals(404, api.delete("/v1/auth/keys/key_doesnotexist", owner.apiKey()).status());
    }

    @Test
    void aRetriedKeyCreationReturnsTheSameKey() {
        var owner = api.signup();
        String body = ApiClient.json(Map.of("name", "once", "permissions", List.of("tunnels:read")));
        Map<String, String> idem = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        var first = api.send("POST", "/v1/auth/keys", owner.apiKey(), body, idem);
        var second = api.send("POST", "/v1/auth/keys", owner.apiKey(), body, idem);
        assertEquals(201, first.status());
        assertEquals(201, second.status());
        assertEquals(first.text("key"), second.text("key"));
        long named = 0;
        for (var k : api.get("/v1/auth/keys", owner.apiKey()).body().get("keys")) {
            if (k.get("name").asText().equals("once")) {
                named++;
            }
        }
        assertEquals(1, named);
    }

    private static com.fasterxml.jackson.databind.JsonNode findById(com.fasterxml.jackson.databind.JsonNode keys, String id) {
        for (var k : keys) {
            if (k.get("id").asText().equals(id)) {
                return k;
            }
        }
        throw new AssertionError("key " + id + " not listed in " + keys);
    }
}
